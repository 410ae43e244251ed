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
        Validate(host);
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
        merged.Image = request.Image;
        if ((merged.Entrypoint?.Count ?? 0) + (merged.Cmd?.Count ?? 0) == 0)
        {
            throw new InvalidArgumentException("no command specified");
        }
        return merged;
    }

    // Networking: only the host's network or none (no bridge yet); "default" means host (docs/system-docker.md).
    private static void Validate(HostConfig host)
    {
        host.NetworkMode = host.NetworkMode switch
        {
            null or "" or "default" => "host",
            "host" or "none" => host.NetworkMode,
            _ => throw new InvalidArgumentException($"network mode \"{host.NetworkMode}\" is not supported: use host or none"),
        };
        foreach (var (name, mode) in new[] { ("pid", host.PidMode), ("ipc", host.IpcMode), ("uts", host.UtsMode) })
        {
            if (!string.IsNullOrEmpty(mode) && mode is not ("host" or "private" or "shareable"))
            {
                throw new InvalidArgumentException($"{name} mode \"{mode}\" is not supported: use host or leave it empty");
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
