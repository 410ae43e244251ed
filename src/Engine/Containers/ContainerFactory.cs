using System.Text.Json;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Turns a create request into the container's stored config: the image's Cmd, Entrypoint, Env, WorkingDir, User and
/// Labels fill what the request leaves out (Docker's merge rules), and options the engine cannot honour are refused.
/// </summary>
public static class ContainerFactory
{
    public static ContainerCreateRequest Merge(ContainerCreateRequest request, StoredImage image)
    {
        var host = request.HostConfig ??= new HostConfig();
        Validate(request, host);
        var config = image.Config.Config is { ValueKind: JsonValueKind.Object } c ? c : default;
        var merged = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(request, StoreJson.Default.ContainerCreateRequest), StoreJson.Default.ContainerCreateRequest)!;

        // Docker's merge: with no Entrypoint of its own, the request takes the image's Cmd (when it has none) and the
        // image's Entrypoint (unless it cleared it with an empty list); its own Entrypoint drops the image's Cmd.
        if (merged.Entrypoint is null || merged.Entrypoint.Count == 0)
        {
            if (merged.Cmd is null || merged.Cmd.Count == 0)
            {
                merged.Cmd = Strings(config, "Cmd");
            }
            merged.Entrypoint ??= Strings(config, "Entrypoint");
        }
        var env = Strings(config, "Env") ?? [];
        foreach (var variable in merged.Env ?? [])
        {
            var key = variable.Split('=', 2)[0];
            env.RemoveAll(e => e.Split('=', 2)[0] == key);
            env.Add(variable);
        }
        merged.Env = env;
        if (string.IsNullOrEmpty(merged.WorkingDir))
        {
            merged.WorkingDir = String(config, "WorkingDir");
        }
        if (string.IsNullOrEmpty(merged.User))
        {
            merged.User = String(config, "User");
        }
        var labels = new Dictionary<string, string>(image.Config.Labels(), StringComparer.Ordinal);
        foreach (var (k, v) in merged.Labels ?? [])
        {
            labels[k] = v;
        }
        merged.Labels = labels;
        // The image's VOLUME paths join the request's (`-v /path`): each becomes an anonymous volume unless bound.
        if (config.ValueKind == JsonValueKind.Object && config.TryGetProperty("Volumes", out var volumes) && volumes.ValueKind == JsonValueKind.Object)
        {
            merged.Volumes ??= [];
            foreach (var volume in volumes.EnumerateObject())
            {
                merged.Volumes.TryAdd(volume.Name, new EmptyObject());
            }
        }
        merged.Image = request.Image;
        if ((merged.Entrypoint?.Count ?? 0) + (merged.Cmd?.Count ?? 0) == 0)
        {
            throw new InvalidArgumentException("no command specified");
        }
        return merged;
    }

    // Networking: the host's network, none, or another container's (no bridge yet); "default" means host
    // (docs/system-docker.md). PID and IPC may be the host's or another container's, UTS the host's.
    private static void Validate(ContainerCreateRequest request, HostConfig host)
    {
        host.NetworkMode = host.NetworkMode switch
        {
            null or "" or "default" => "host",
            "host" or "none" => host.NetworkMode,
            _ when SharedNamespaces.Target(host.NetworkMode) is not null => host.NetworkMode,
            _ => throw new InvalidArgumentException($"network mode \"{host.NetworkMode}\" is not supported: use host, none or container:<name|id>"),
        };
        foreach (var (name, mode, shareable) in new[] { ("pid", host.PidMode, true), ("ipc", host.IpcMode, true), ("uts", host.UtsMode, false) })
        {
            if (!string.IsNullOrEmpty(mode) && mode is not ("host" or "private" or "shareable") && !(shareable && SharedNamespaces.Target(mode) is not null))
            {
                throw new InvalidArgumentException($"{name} mode \"{mode}\" is not supported: use host{(shareable ? ", container:<name|id>" : "")} or leave it empty");
            }
        }
        host.CgroupnsMode = CgroupNamespaceMode.Resolve(host);
        SharedNamespaces.Validate(host);
        DeviceMappings.Resolve(host);
        ResolvConf.Build("", host);
        LogDrivers.Validate(host.LogConfig);
        if (SharedNamespaces.Target(host.NetworkMode) is not null)
        {
            // Docker's conflicts: the joined container's network owns these.
            if (!string.IsNullOrEmpty(request.Hostname))
            {
                throw new InvalidArgumentException("conflicting options: hostname and the network mode");
            }
            if (host.ExtraHosts is { Count: > 0 })
            {
                throw new InvalidArgumentException("conflicting options: custom host-to-IP mapping and the network mode");
            }
            if (host.Dns is { Count: > 0 } || host.DnsSearch is { Count: > 0 } || host.DnsOptions is { Count: > 0 })
            {
                throw new InvalidArgumentException("conflicting options: dns and the network mode");
            }
        }
        RestartPolicy.Parse(host.RestartPolicy);
        if (host.AutoRemove && RestartPolicy.Parse(host.RestartPolicy).Name != "no")
        {
            throw new InvalidArgumentException("can't create 'AutoRemove' container with restart policy");
        }
        if (host.Memory is > 0 and < 6 * 1024 * 1024)
        {
            throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
        }
    }

    private static List<string>? Strings(JsonElement config, string name) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString() ?? "").ToList()
            : null;

    private static string? String(JsonElement config, string name) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
