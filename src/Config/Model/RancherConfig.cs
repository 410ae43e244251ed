namespace CorralOS.Config.Model;

/// <summary>The <c>rancher:</c> tree (reference §3.2). Defaults live in os-config.yml, the lowest layer.</summary>
public sealed class RancherConfig
{
    public string? Console { get; set; }

    public Dictionary<string, string>? Environment { get; set; }

    /// <summary>Compose services by name; their fields are checked by the compose parser, not here.</summary>
    public Dictionary<string, Dictionary<string, object>>? Services { get; set; }

    public Dictionary<string, bool>? ServicesInclude { get; set; }

    public Dictionary<string, Dictionary<string, object>>? Bootstrap { get; set; }

    public Dictionary<string, Dictionary<string, object>>? CloudInitServices { get; set; }

    public DockerConfig? BootstrapDocker { get; set; }

    public DockerConfig? SystemDocker { get; set; }

    public DockerConfig? Docker { get; set; }

    public CloudInitConfig? CloudInit { get; set; }

    public bool? Debug { get; set; }

    public bool? Log { get; set; }

    public bool? RmUsr { get; set; }

    public bool? NoSharedroot { get; set; }

    public bool? ForceConsoleRebuild { get; set; }

    public bool? Recovery { get; set; }

    /// <summary>Features to turn off: password, autologin.</summary>
    public List<string>? Disable { get; set; }

    public List<string>? Modules { get; set; }

    public NetworkConfig? Network { get; set; }

    public NtpConfig? Ntp { get; set; }

    public Dictionary<string, RepositoryConfig>? Repositories { get; set; }

    public SshConfig? Ssh { get; set; }

    public StateConfig? State { get; set; }

    public UpgradeConfig? Upgrade { get; set; }

    public Dictionary<string, RegistryAuthConfig>? RegistryAuths { get; set; }

    public DefaultsConfig? Defaults { get; set; }

    public string? ResizeDevice { get; set; }

    public Dictionary<string, string>? Sysctl { get; set; }

    public List<string>? RestartServices { get; set; }

    public bool? HypervisorService { get; set; }

    public int? ShutdownTimeout { get; set; }

    /// <summary>
    /// CorralOS: PID 1 keeps its own root shell on the console and the `console` service is not started (boot
    /// debugging, and the boot tests that drive PID 1 directly). Off by default.
    /// </summary>
    public bool? InitShell { get; set; }

    public int? HttpLoadRetries { get; set; }

    public bool? PreloadWait { get; set; }

    /// <summary>Kernel command line only (console-init reads /proc/cmdline); filtered from export.</summary>
    public string? Password { get; set; }

    /// <summary>Kernel command line only; a tty name or a bare flag. Filtered from export.</summary>
    public object? Autologin { get; set; }

    /// <summary>In RancherOS's schema without behaviour; accepted so old configs validate.</summary>
    public List<string>? Autoformat { get; set; }

    /// <summary>In RancherOS's schema without behaviour; accepted so old configs validate.</summary>
    public Dictionary<string, object>? DefaultNetwork { get; set; }
}
