namespace CorralOS.Config.Model;

/// <summary>A Docker-compatible daemon's settings (reference §3.3): generic daemon options plus CorralOS's own.</summary>
public sealed class DockerConfig
{
    public string? Bridge { get; set; }

    public string? Bip { get; set; }

    public string? ConfigFile { get; set; }

    public string? Containerd { get; set; }

    public bool? Debug { get; set; }

    public string? ExecRoot { get; set; }

    public string? Group { get; set; }

    public string? Graph { get; set; }

    public List<string>? Host { get; set; }

    public List<string>? InsecureRegistry { get; set; }

    public bool? LiveRestore { get; set; }

    public string? LogDriver { get; set; }

    public Dictionary<string, string>? LogOpts { get; set; }

    public string? PidFile { get; set; }

    public List<string>? RegistryMirror { get; set; }

    public bool? Restart { get; set; }

    public bool? SelinuxEnabled { get; set; }

    public string? StorageDriver { get; set; }

    public bool? UserlandProxy { get; set; }

    /// <summary>Service name, URL or path of the engine to run.</summary>
    public string? Engine { get; set; }

    public bool? Tls { get; set; }

    public List<string>? TlsArgs { get; set; }

    public List<string>? ExtraArgs { get; set; }

    public string? ServerCert { get; set; }

    public string? ServerKey { get; set; }

    public string? CaCert { get; set; }

    public string? CaKey { get; set; }

    public List<string>? Environment { get; set; }

    public string? StorageContext { get; set; }

    public bool? Exec { get; set; }
}
