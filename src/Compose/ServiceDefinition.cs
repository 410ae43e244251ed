namespace CorralOS.Compose;

/// <summary>
/// One compose service as parsed: values are interpolated, typed and normalised (lists, maps, bytes), but nothing is
/// resolved against an engine yet. Unset fields are null or empty so that an unset field and its default hash alike.
/// </summary>
public sealed class ServiceDefinition
{
    public required string Name { get; init; }

    /// <summary>Where the definition starts, for messages (file, and line/column when the source had positions).</summary>
    public required SourcePosition Source { get; init; }

    public string? Image { get; set; }

    /// <summary>The command as arguments; a string in the file is split like a shell would (quotes, backslashes).</summary>
    public List<string>? Command { get; set; }

    public List<string>? Entrypoint { get; set; }

    /// <summary>KEY=VALUE in file order, bare names already looked up in rancher.environment.</summary>
    public List<string> Environment { get; set; } = [];

    public List<string> EnvFile { get; set; } = [];

    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Volume specs as written: /host:/ctr[:opts], name:/ctr[:opts], or /ctr alone.</summary>
    public List<string> Volumes { get; set; } = [];

    /// <summary>Service or container names, each optionally with :ro or :rw.</summary>
    public List<string> VolumesFrom { get; set; } = [];

    /// <summary>net / network_mode: host, none, bridge, container:NAME.</summary>
    public string? NetworkMode { get; set; }

    public string? Pid { get; set; }

    public string? Ipc { get; set; }

    public string? Uts { get; set; }

    public bool Privileged { get; set; }

    /// <summary>no, always, on-failure[:N], unless-stopped.</summary>
    public string? Restart { get; set; }

    public List<string> CapAdd { get; set; } = [];

    public List<string> CapDrop { get; set; } = [];

    /// <summary>Device specs: /dev/host[:/dev/ctr[:rwm]].</summary>
    public List<string> Devices { get; set; } = [];

    /// <summary>SERVICE or SERVICE:ALIAS.</summary>
    public List<string> Links { get; set; } = [];

    public List<string> DependsOn { get; set; } = [];

    public bool ReadOnly { get; set; }

    /// <summary>Mount points, each optionally with :options (size=64m,mode=1777).</summary>
    public List<string> Tmpfs { get; set; } = [];

    public Dictionary<string, Ulimit> Ulimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>log_driver, or logging.driver.</summary>
    public string? LogDriver { get; set; }

    /// <summary>log_opt, or logging.options.</summary>
    public Dictionary<string, string> LogOptions { get; set; } = new(StringComparer.Ordinal);

    public string? User { get; set; }

    public string? WorkingDir { get; set; }

    public string? Hostname { get; set; }

    public string? DomainName { get; set; }

    public string? ContainerName { get; set; }

    public int? OomScoreAdj { get; set; }

    /// <summary>mem_limit in bytes ("512m" and friends converted).</summary>
    public long? MemLimit { get; set; }

    public long? CpuShares { get; set; }

    public bool Tty { get; set; }

    public bool StdinOpen { get; set; }

    public List<string> Dns { get; set; } = [];

    public List<string> DnsSearch { get; set; } = [];

    /// <summary>HOST:IP entries.</summary>
    public List<string> ExtraHosts { get; set; } = [];

    public string? StopSignal { get; set; }

    /// <summary>stop_grace_period in seconds: how long a stop waits after the stop signal before SIGKILL.</summary>
    public int? StopGracePeriod { get; set; }

    /// <summary>The io.rancher.os.* and io.docker.compose.rebuild labels, read.</summary>
    public RancherLabels Rancher => new(Labels);

    /// <summary>The container name the service manager gives it: container_name, else the service name (as RancherOS).</summary>
    public string EffectiveContainerName => string.IsNullOrEmpty(ContainerName) ? Name : ContainerName;
}
