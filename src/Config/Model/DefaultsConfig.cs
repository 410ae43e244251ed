namespace CorralOS.Config.Model;

/// <summary><c>rancher.defaults</c>: fallbacks used when nothing else set a value.</summary>
public sealed class DefaultsConfig
{
    public string? Hostname { get; set; }

    public DockerConfig? Docker { get; set; }

    public NetworkConfig? Network { get; set; }

    public string? SystemDockerLogs { get; set; }
}
