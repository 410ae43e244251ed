using System.Globalization;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Containers;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Api;

/// <summary>Turns containers into the API's shapes (list entry, inspect) and Docker's human status text.</summary>
public sealed class ContainerViews(ContainerLayout layout, ImageStore images)
{
    public static ContainerSummary Summary(Container container)
    {
        var state = container.State;
        var config = container.Record.Config;
        return new ContainerSummary
        {
            Id = container.Id,
            Names = ["/" + container.Name],
            Image = container.Record.Image,
            ImageId = container.Record.ImageId,
            Command = string.Join(' ', (config.Entrypoint ?? []).Concat(config.Cmd ?? [])),
            Created = container.Record.Created.ToUnixTimeSeconds(),
            Labels = config.Labels ?? [],
            State = state.Status,
            Status = StatusText(state, DateTimeOffset.UtcNow),
            HostConfig = new SummaryHostConfig(config.HostConfig?.NetworkMode ?? "host"),
            NetworkSettings = Networks(config),
            Mounts = Mounts(container.Record, null),
        };
    }

    public ContainerInspect Inspect(Container container)
    {
        var state = container.State;
        var config = container.Record.Config;
        var args = (config.Entrypoint ?? []).Concat(config.Cmd ?? []).ToList();
        var graph = new Dictionary<string, string>
        {
            ["UpperDir"] = layout.Upper(container.Id),
            ["WorkDir"] = layout.Work(container.Id),
            ["MergedDir"] = layout.RootFs(container.Id),
        };
        if (images.TryGetById(container.Record.ImageId) is { } image)
        {
            graph["LowerDir"] = string.Join(':', image.Record.Layers.Select(l => images.Layout.LayerDiff(Digest.Parse(l.DiffId))).Reverse());
        }
        return new ContainerInspect
        {
            Id = container.Id,
            Created = ImageViews.Rfc3339(container.Record.Created),
            Path = args.FirstOrDefault() ?? "",
            Args = args.Skip(1).ToList(),
            State = new InspectState
            {
                Status = state.Status,
                Running = state.Running,
                Restarting = state.Status == ContainerStatus.Restarting,
                Pid = state.Pid,
                ExitCode = state.ExitCode,
                OomKilled = state.OomKilled,
                Error = state.Error,
                StartedAt = ImageViews.Rfc3339(state.StartedAt ?? DateTimeOffset.MinValue),
                FinishedAt = ImageViews.Rfc3339(state.FinishedAt ?? DateTimeOffset.MinValue),
            },
            Image = container.Record.ImageId,
            ResolvConfPath = Path.Combine(layout.Dir(container.Id), "resolv.conf"),
            HostnamePath = Path.Combine(layout.Dir(container.Id), "hostname"),
            HostsPath = Path.Combine(layout.Dir(container.Id), "hosts"),
            LogPath = layout.LogFile(container.Id),
            Name = "/" + container.Name,
            RestartCount = state.RestartCount,
            HostConfig = config.HostConfig ?? new HostConfig(),
            GraphDriver = new GraphDriverData(ImageViews.Driver, graph),
            Mounts = Mounts(container.Record, layout),
            Config = config,
            NetworkSettings = Networks(config),
        };
    }

    /// <summary>Docker's Status column: "Up 5 seconds", "Exited (3) 2 minutes ago", "Created", "Restarting (1) 3 seconds ago".</summary>
    public static string StatusText(ContainerState state, DateTimeOffset now) => state.Status switch
    {
        ContainerStatus.Running => "Up " + HumanDuration(now - (state.StartedAt ?? now)),
        ContainerStatus.Restarting => $"Restarting ({state.ExitCode.ToString(CultureInfo.InvariantCulture)}) {HumanDuration(now - (state.FinishedAt ?? now))} ago",
        ContainerStatus.Exited when state.StartedAt is not null => $"Exited ({state.ExitCode.ToString(CultureInfo.InvariantCulture)}) {HumanDuration(now - (state.FinishedAt ?? now))} ago",
        ContainerStatus.Removing => "Removal In Progress",
        _ => "Created",
    };

    // Go's units.HumanDuration, which the docker CLI shows.
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (int)d.TotalSeconds;
        return seconds switch
        {
            < 1 => "Less than a second",
            1 => "1 second",
            < 60 => $"{seconds} seconds",
            _ when d.TotalMinutes < 2 => "About a minute",
            _ when d.TotalMinutes < 60 => $"{(int)d.TotalMinutes} minutes",
            _ when d.TotalHours < 2 => "About an hour",
            _ when d.TotalHours < 48 => $"{(int)d.TotalHours} hours",
            _ when d.TotalDays < 14 => $"{(int)d.TotalDays} days",
            _ when d.TotalDays < 60 => $"{(int)(d.TotalDays / 7)} weeks",
            _ when d.TotalDays < 365 * 2 => $"{(int)(d.TotalDays / 30)} months",
            _ => $"{(int)(d.TotalDays / 365)} years",
        };
    }

    private static NetworkSettings Networks(ContainerCreateRequest config) => new()
    {
        Networks = new Dictionary<string, EndpointSettings> { [config.HostConfig?.NetworkMode ?? "host"] = new EndpointSettings() },
    };

    private static List<MountPoint> Mounts(ContainerRecord record, ContainerLayout? layout)
    {
        var config = record.Config;
        var mounts = new List<MountPoint>();
        foreach (var (target, name) in record.AnonymousVolumes ?? [])
        {
            mounts.Add(new MountPoint { Type = "volume", Name = name, Source = layout?.Volume(name) ?? "", Destination = target, Rw = true });
        }
        foreach (var bind in config.HostConfig?.Binds ?? [])
        {
            var parts = bind.Split(':');
            if (parts.Length < 2)
            {
                continue;
            }
            var named = !parts[0].StartsWith('/');
            mounts.Add(new MountPoint
            {
                Type = named ? "volume" : "bind",
                Name = named ? parts[0] : null,
                Source = named && layout is not null ? layout.Volume(parts[0]) : parts[0],
                Destination = parts[1],
                Mode = parts.Length > 2 ? parts[2] : "",
                Rw = !(parts.Length > 2 && parts[2].Split(',').Contains("ro")),
            });
        }
        foreach (var mount in config.HostConfig?.Mounts ?? [])
        {
            if (mount.Type == "volume" && string.IsNullOrEmpty(mount.Source))
            {
                continue; // anonymous: listed above with its name
            }
            mounts.Add(new MountPoint { Type = mount.Type ?? "", Source = mount.Source ?? "", Destination = mount.Target ?? "", Rw = !mount.ReadOnly });
        }
        return mounts;
    }
}
