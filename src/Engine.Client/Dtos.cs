using System.Text.Json.Serialization;

namespace CorralOS.Engine.Client;

// The wire shapes of the calls this client makes, named as Docker names them. Fields the engine does not know yet
// (Devices, Dns, Links, VolumesFrom, LogConfig) are sent anyway: an engine ignores what it does not read.

/// <summary>The body of POST /containers/create: Docker's Config with its HostConfig.</summary>
public sealed class ContainerSpec
{
    [JsonPropertyName("Image")] public string? Image { get; set; }
    [JsonPropertyName("Cmd")] public List<string>? Cmd { get; set; }
    [JsonPropertyName("Entrypoint")] public List<string>? Entrypoint { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("User")] public string? User { get; set; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; set; }
    [JsonPropertyName("Hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("Domainname")] public string? Domainname { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("OpenStdin")] public bool OpenStdin { get; set; }
    [JsonPropertyName("StopSignal")] public string? StopSignal { get; set; }
    [JsonPropertyName("StopTimeout")] public int? StopTimeout { get; set; }
    [JsonPropertyName("Volumes")] public Dictionary<string, Dictionary<string, string>>? Volumes { get; set; }
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; set; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; set; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; set; }
    [JsonPropertyName("StdinOnce")] public bool StdinOnce { get; set; }
    [JsonPropertyName("HostConfig")] public HostSpec HostConfig { get; set; } = new();
}

/// <summary>Docker's HostConfig, the parts compose services set.</summary>
public sealed class HostSpec
{
    [JsonPropertyName("Binds")] public List<string>? Binds { get; set; }
    [JsonPropertyName("VolumesFrom")] public List<string>? VolumesFrom { get; set; }
    [JsonPropertyName("Tmpfs")] public Dictionary<string, string>? Tmpfs { get; set; }
    [JsonPropertyName("NetworkMode")] public string? NetworkMode { get; set; }
    [JsonPropertyName("PidMode")] public string? PidMode { get; set; }
    [JsonPropertyName("IpcMode")] public string? IpcMode { get; set; }
    [JsonPropertyName("UTSMode")] public string? UtsMode { get; set; }
    [JsonPropertyName("Privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("CapAdd")] public List<string>? CapAdd { get; set; }
    [JsonPropertyName("CapDrop")] public List<string>? CapDrop { get; set; }
    [JsonPropertyName("Devices")] public List<DeviceMapping>? Devices { get; set; }
    [JsonPropertyName("Links")] public List<string>? Links { get; set; }
    [JsonPropertyName("ReadonlyRootfs")] public bool ReadonlyRootfs { get; set; }
    [JsonPropertyName("Ulimits")] public List<UlimitSpec>? Ulimits { get; set; }
    [JsonPropertyName("LogConfig")] public LogConfigSpec? LogConfig { get; set; }
    [JsonPropertyName("OomScoreAdj")] public int OomScoreAdj { get; set; }
    [JsonPropertyName("Memory")] public long Memory { get; set; }
    [JsonPropertyName("CpuShares")] public long CpuShares { get; set; }
    [JsonPropertyName("Dns")] public List<string>? Dns { get; set; }
    [JsonPropertyName("DnsSearch")] public List<string>? DnsSearch { get; set; }
    [JsonPropertyName("ExtraHosts")] public List<string>? ExtraHosts { get; set; }
    [JsonPropertyName("RestartPolicy")] public RestartPolicySpec? RestartPolicy { get; set; }
    [JsonPropertyName("AutoRemove")] public bool AutoRemove { get; set; }
    [JsonPropertyName("ConsoleSize")] public List<int>? ConsoleSize { get; set; }
}

/// <summary>The body of POST /containers/{id}/exec: Docker's ExecConfig.</summary>
public sealed class ExecSpec
{
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; set; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; set; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("Privileged")] public bool Privileged { get; set; }
    [JsonPropertyName("User")] public string? User { get; set; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("Cmd")] public List<string> Cmd { get; set; } = [];
    [JsonPropertyName("DetachKeys")] public string? DetachKeys { get; set; }
    [JsonPropertyName("ConsoleSize")] public List<int>? ConsoleSize { get; set; }
}

public sealed record DeviceMapping(
    [property: JsonPropertyName("PathOnHost")] string PathOnHost,
    [property: JsonPropertyName("PathInContainer")] string PathInContainer,
    [property: JsonPropertyName("CgroupPermissions")] string CgroupPermissions);

public sealed record UlimitSpec(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Soft")] long Soft,
    [property: JsonPropertyName("Hard")] long Hard);

public sealed record LogConfigSpec(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("Config")] Dictionary<string, string> Config);

public sealed record RestartPolicySpec(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("MaximumRetryCount")] int MaximumRetryCount);

public sealed record CreateResponse([property: JsonPropertyName("Id")] string Id);

public sealed record WaitResponse([property: JsonPropertyName("StatusCode")] long StatusCode);

public sealed record ErrorResponse([property: JsonPropertyName("message")] string? Message);

/// <summary>One entry of GET /containers/json.</summary>
public sealed class ContainerListItem
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Names")] public List<string> Names { get; set; } = [];
    [JsonPropertyName("Image")] public string Image { get; set; } = "";
    [JsonPropertyName("ImageID")] public string ImageId { get; set; } = "";
    [JsonPropertyName("Command")] public string Command { get; set; } = "";
    [JsonPropertyName("Created")] public long Created { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("State")] public string State { get; set; } = "";
    [JsonPropertyName("Status")] public string Status { get; set; } = "";

    /// <summary>The first name without Docker's leading slash.</summary>
    public string Name => Names.Count > 0 ? Names[0].TrimStart('/') : Id;
}

/// <summary>GET /containers/{id}/json, the parts read here.</summary>
public sealed class ContainerDetails
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("Name")] public string Name { get; set; } = "";
    [JsonPropertyName("Image")] public string Image { get; set; } = "";
    [JsonPropertyName("State")] public ContainerStateDetails State { get; set; } = new();
    [JsonPropertyName("Config")] public ContainerConfigDetails Config { get; set; } = new();
    [JsonPropertyName("HostConfig")] public HostSpec HostConfig { get; set; } = new();
}

public sealed class ContainerStateDetails
{
    [JsonPropertyName("Status")] public string Status { get; set; } = "";
    [JsonPropertyName("Running")] public bool Running { get; set; }
    [JsonPropertyName("Restarting")] public bool Restarting { get; set; }
    [JsonPropertyName("ExitCode")] public int ExitCode { get; set; }
    [JsonPropertyName("StartedAt")] public string? StartedAt { get; set; }
    [JsonPropertyName("FinishedAt")] public string? FinishedAt { get; set; }
}

public sealed class ContainerConfigDetails
{
    [JsonPropertyName("Image")] public string? Image { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("Labels")] public Dictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
}

/// <summary>One entry of GET /images/json.</summary>
public sealed class ImageListItem
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("RepoTags")] public List<string>? RepoTags { get; set; }
    [JsonPropertyName("Created")] public long Created { get; set; }
    [JsonPropertyName("Size")] public long Size { get; set; }
}

/// <summary>GET /images/{name}/json, the parts read here.</summary>
public sealed class ImageDetails
{
    [JsonPropertyName("Id")] public string Id { get; set; } = "";
    [JsonPropertyName("RepoTags")] public List<string>? RepoTags { get; set; }
}
