using System.Runtime.InteropServices;
using System.Text.Json;

namespace CorralOS.Engine.Registry;

/// <summary>
/// What the daemon is configured with for registries: registries that speak plain http, and a file of
/// credentials per registry (`rancher.registry_auths`, written by init). The file is read at each pull, so
/// credentials written after the engine started are used without a restart.
/// </summary>
public sealed record RegistrySettings
{
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>JSON: {"registry": {"auth": "base64(user:pass)"} | {"username", "password"}}, or a docker config.json.</summary>
    public string? AuthFile { get; init; }

    /// <summary>The platform picked from manifest lists: this machine's.</summary>
    public string Os { get; init; } = "linux";

    public string Architecture { get; init; } = RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.X86 => "386",
        _ => "amd64",
    };

    /// <summary>The configured credentials for a registry domain, or null.</summary>
    public RegistryCredentials? ConfiguredCredentials(string domain)
    {
        if (AuthFile is null || !File.Exists(AuthFile))
        {
            return null;
        }
        var where = $"registry auth file {AuthFile}";
        Dictionary<string, RegistryAuthEntry>? entries;
        try
        {
            var bytes = File.ReadAllBytes(AuthFile);
            using var document = JsonDocument.Parse(bytes);
            entries = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("auths", out _)
                ? JsonSerializer.Deserialize(bytes, RegistryJson.Default.DockerConfigFile)?.Auths
                : JsonSerializer.Deserialize(bytes, RegistryJson.Default.DictionaryStringRegistryAuthEntry);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidArgumentException($"{where} is not usable: {e.Message}", e);
        }
        var wanted = RegistryHosts.Normalize(domain);
        foreach (var (key, entry) in entries ?? [])
        {
            if (RegistryHosts.Normalize(key) == wanted)
            {
                return RegistryCredentials.FromEntry(entry, $"{where}, registry {key}");
            }
        }
        return null;
    }
}
