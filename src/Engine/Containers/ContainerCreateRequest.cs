using System.Text.Json.Serialization;

namespace CorralOS.Engine.Containers;

/// <summary>
/// The body of POST /containers/create (Docker's ContainerConfig plus HostConfig), as the client sent it. It is kept
/// as the container's config: inspect echoes it and the OCI spec is generated from it at every start.
/// </summary>
public sealed class ContainerCreateRequest
{
    [JsonPropertyName("Hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("Domainname")] public string? Domainname { get; set; }
    [JsonPropertyName("User")] public string? User { get; set; }
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; set; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; set; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("OpenStdin")] public bool OpenStdin { get; set; }
    [JsonPropertyName("StdinOnce")] public bool StdinOnce { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("Cmd")] public List<string>? Cmd { get; set; }
    [JsonPropertyName("Entrypoint")] public List<string>? Entrypoint { get; set; }
    [JsonPropertyName("Image")] public string? Image { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; set; }
    /// <summary>Paths that get an anonymous volume unless a bind or mount covers them (`-v /path`, the image's VOLUME).</summary>
    [JsonPropertyName("Volumes")] public Dictionary<string, EmptyObject>? Volumes { get; set; }
    [JsonPropertyName("StopSignal")] public string? StopSignal { get; set; }
    [JsonPropertyName("StopTimeout")] public int? StopTimeout { get; set; }
    [JsonPropertyName("HostConfig")] public HostConfig? HostConfig { get; set; }
}

/// <summary>Docker's HostConfig: the parts of a container that concern the host (mounts, namespaces, limits).</summary>
public sealed class HostConfig
{
    [JsonPropertyName("Binds")] public List<string>? Binds { get; set; }
    [JsonPropertyName("Mounts")] public List<MountRequest>? Mounts { get; set; }
    /// <summary>"container[:ro|:rw]": that container's binds, volumes and volumes_from, resolved at each start.</summary>
    [JsonPropertyName("VolumesFrom")] public List<string>? VolumesFrom { get; set; }
    [JsonPropertyName("Tmpfs")] public Dictionary<string, string>? Tmpfs { get; set; }
    [JsonPropertyName("NetworkMode")] public string? NetworkMode { get; set; }
    [JsonPropertyName("PidMode")] public string? PidMode { get; set; }
    [JsonPropertyName("IpcMode")] public string? IpcMode { get; set; }
    [JsonPropertyName("UTSMode")] public string? UtsMode { get; set; }
    /// <summary>"private" or "host"; filled in at create when empty (CgroupNamespaceMode).</summary>
    [JsonPropertyName("CgroupnsMode")] public string? CgroupnsMode { get; set; }
    [JsonPropertyName("Privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("CapAdd")] public List<string>? CapAdd { get; set; }
    [JsonPropertyName("CapDrop")] public List<string>? CapDrop { get; set; }
    [JsonPropertyName("ReadonlyRootfs")] public bool ReadonlyRootfs { get; set; }
    [JsonPropertyName("ExtraHosts")] public List<string>? ExtraHosts { get; set; }
    [JsonPropertyName("Dns")] public List<string>? Dns { get; set; }
    [JsonPropertyName("DnsSearch")] public List<string>? DnsSearch { get; set; }
    [JsonPropertyName("DnsOptions")] public List<string>? DnsOptions { get; set; }
    [JsonPropertyName("Devices")] public List<DeviceMapping>? Devices { get; set; }
    [JsonPropertyName("LogConfig")] public LogConfig? LogConfig { get; set; }
    [JsonPropertyName("Ulimits")] public List<UlimitRequest>? Ulimits { get; set; }
    [JsonPropertyName("OomScoreAdj")] public int OomScoreAdj { get; set; }
    [JsonPropertyName("Memory")] public long Memory { get; set; }
    [JsonPropertyName("MemorySwap")] public long MemorySwap { get; set; }
    [JsonPropertyName("NanoCpus")] public long NanoCpus { get; set; }
    [JsonPropertyName("CpuShares")] public long CpuShares { get; set; }
    [JsonPropertyName("CpuQuota")] public long CpuQuota { get; set; }
    [JsonPropertyName("CpuPeriod")] public long CpuPeriod { get; set; }
    [JsonPropertyName("PidsLimit")] public long? PidsLimit { get; set; }
    [JsonPropertyName("RestartPolicy")] public RestartPolicyRequest? RestartPolicy { get; set; }
    [JsonPropertyName("AutoRemove")] public bool AutoRemove { get; set; }
}

public sealed class MountRequest
{
    [JsonPropertyName("Type")] public string? Type { get; set; }
    [JsonPropertyName("Source")] public string? Source { get; set; }
    [JsonPropertyName("Target")] public string? Target { get; set; }
    [JsonPropertyName("ReadOnly")] public bool ReadOnly { get; set; }
}

public sealed class UlimitRequest
{
    [JsonPropertyName("Name")] public string? Name { get; set; }
    [JsonPropertyName("Soft")] public long Soft { get; set; }
    [JsonPropertyName("Hard")] public long Hard { get; set; }
}

public sealed class RestartPolicyRequest
{
    [JsonPropertyName("Name")] public string? Name { get; set; }
    [JsonPropertyName("MaximumRetryCount")] public int MaximumRetryCount { get; set; }
}

public sealed class DeviceMapping
{
    [JsonPropertyName("PathOnHost")] public string? PathOnHost { get; set; }
    [JsonPropertyName("PathInContainer")] public string? PathInContainer { get; set; }
    [JsonPropertyName("CgroupPermissions")] public string? CgroupPermissions { get; set; }
}

/// <summary>The log driver (json-file, none, syslog) and its options.</summary>
public sealed class LogConfig
{
    [JsonPropertyName("Type")] public string? Type { get; set; }
    [JsonPropertyName("Config")] public Dictionary<string, string>? Config { get; set; }
}

/// <summary>Docker's `{}` values (the keys of Volumes are what counts).</summary>
public sealed class EmptyObject;
