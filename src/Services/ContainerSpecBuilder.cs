using System.Security.Cryptography;
using System.Text.Json;
using CorralOS.Compose;
using CorralOS.Engine.Client;

namespace CorralOS.Services;

/// <summary>
/// Turns a service definition into the container-create request: every compose field mapped to Docker's names,
/// references to other services (links, net/pid/ipc container:, volumes_from) turned into their container names,
/// env_file read, and the manager's labels with the definition's hash added last.
/// </summary>
public sealed class ContainerSpecBuilder
{
    private readonly string _project;
    private readonly IReadOnlyDictionary<string, string> _containerNames;
    private readonly string _baseDirectory;

    /// <param name="project">The compose project label value.</param>
    /// <param name="services">The project's services, to resolve service names to container names.</param>
    /// <param name="baseDirectory">Where relative env_file paths start.</param>
    public ContainerSpecBuilder(string project, IEnumerable<ServiceDefinition> services, string baseDirectory)
    {
        _project = project;
        _containerNames = services.ToDictionary(s => s.Name, s => s.EffectiveContainerName, StringComparer.Ordinal);
        _baseDirectory = baseDirectory;
    }

    public ContainerSpec Build(ServiceDefinition service)
    {
        var host = new HostSpec
        {
            Binds = NullIfEmpty(service.Volumes),
            VolumesFrom = NullIfEmpty(service.VolumesFrom.Select(VolumesFromContainer).ToList()),
            Tmpfs = service.Tmpfs.Count == 0 ? null : service.Tmpfs.ToDictionary(t => t.Split(':', 2)[0], t => t.Contains(':', StringComparison.Ordinal) ? t.Split(':', 2)[1] : "", StringComparer.Ordinal),
            NetworkMode = ContainerReference(service.NetworkMode),
            PidMode = ContainerReference(service.Pid),
            IpcMode = ContainerReference(service.Ipc),
            UtsMode = service.Uts,
            Privileged = service.Privileged,
            CapAdd = NullIfEmpty(service.CapAdd),
            CapDrop = NullIfEmpty(service.CapDrop),
            Devices = NullIfEmpty(service.Devices.Select(Device).ToList()),
            Links = NullIfEmpty(service.Links.Select(Link).ToList()),
            ReadonlyRootfs = service.ReadOnly,
            Ulimits = NullIfEmpty(service.Ulimits.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => new UlimitSpec(u.Key, u.Value.Soft, u.Value.Hard)).ToList()),
            LogConfig = service.LogDriver is null && service.LogOptions.Count == 0 ? null
                : new LogConfigSpec(service.LogDriver ?? "json-file", Sorted(service.LogOptions)),
            OomScoreAdj = service.OomScoreAdj ?? 0,
            Memory = service.MemLimit ?? 0,
            CpuShares = service.CpuShares ?? 0,
            Dns = NullIfEmpty(service.Dns),
            DnsSearch = NullIfEmpty(service.DnsSearch),
            ExtraHosts = NullIfEmpty(service.ExtraHosts),
            RestartPolicy = RestartPolicy(service.Restart),
        };
        var labels = Sorted(service.Labels);
        labels[ManagedLabels.Project] = _project;
        labels[ManagedLabels.Service] = service.Name;
        var spec = new ContainerSpec
        {
            Image = service.Image,
            Cmd = service.Command,
            Entrypoint = service.Entrypoint,
            Env = NullIfEmpty(Environment(service)),
            Labels = labels,
            User = service.User,
            WorkingDir = service.WorkingDir,
            Hostname = service.Hostname,
            Domainname = service.DomainName,
            Tty = service.Tty,
            OpenStdin = service.StdinOpen,
            StopSignal = service.StopSignal,
            StopTimeout = service.StopGracePeriod,
            HostConfig = host,
        };
        labels[ManagedLabels.ConfigHash] = Hash(spec);
        return spec;
    }

    /// <summary>The sha256 of the request without the hash label: equal requests, equal hashes.</summary>
    public static string Hash(ContainerSpec spec)
    {
        var labels = spec.Labels;
        spec.Labels = labels?.Where(l => l.Key != ManagedLabels.ConfigHash).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        var json = JsonSerializer.SerializeToUtf8Bytes(spec, ServicesJson.Default.ContainerSpec);
        spec.Labels = labels;
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }

    /// <summary>env_file entries first, then environment (which wins for the same name), each name once.</summary>
    private List<string> Environment(ServiceDefinition service)
    {
        var result = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string pair)
        {
            var name = pair.Split('=', 2)[0];
            if (index.TryGetValue(name, out var at))
            {
                result[at] = pair;
            }
            else
            {
                index[name] = result.Count;
                result.Add(pair);
            }
        }
        foreach (var file in service.EnvFile)
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(_baseDirectory, file);
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ServiceException($"{service.Name}: env_file {path}: {e.Message}", e);
            }
            foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal)))
            {
                Add(line);
            }
        }
        foreach (var pair in service.Environment)
        {
            Add(pair);
        }
        return result;
    }

    private string ContainerOf(string name) => _containerNames.GetValueOrDefault(name, name);

    /// <summary>container:NAME and service:NAME point at the container of that service (or a container of that name).</summary>
    private string? ContainerReference(string? mode)
    {
        if (mode is null)
        {
            return null;
        }
        foreach (var prefix in (string[])["container:", "service:"])
        {
            if (mode.StartsWith(prefix, StringComparison.Ordinal))
            {
                return "container:" + ContainerOf(mode[prefix.Length..]);
            }
        }
        return mode;
    }

    private string VolumesFromContainer(string entry)
    {
        var name = entry.StartsWith("container:", StringComparison.Ordinal) ? entry["container:".Length..] : entry;
        var parts = name.Split(':', 2);
        return parts.Length == 2 ? $"{ContainerOf(parts[0])}:{parts[1]}" : ContainerOf(parts[0]);
    }

    private string Link(string link)
    {
        var parts = link.Split(':', 2);
        return $"{ContainerOf(parts[0])}:{(parts.Length == 2 ? parts[1] : parts[0])}";
    }

    private static DeviceMapping Device(string device)
    {
        var parts = device.Split(':');
        return parts.Length switch
        {
            1 => new DeviceMapping(parts[0], parts[0], "rwm"),
            2 when parts[1].StartsWith('/') => new DeviceMapping(parts[0], parts[1], "rwm"),
            2 => new DeviceMapping(parts[0], parts[0], parts[1]),
            _ => new DeviceMapping(parts[0], parts[1], parts[2]),
        };
    }

    private static RestartPolicySpec? RestartPolicy(string? restart)
    {
        if (restart is null)
        {
            return null;
        }
        var parts = restart.Split(':', 2);
        return new RestartPolicySpec(parts[0], parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    private static Dictionary<string, string> Sorted(IReadOnlyDictionary<string, string> map) =>
        map.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static List<T>? NullIfEmpty<T>(List<T> list) => list.Count == 0 ? null : list;
}
