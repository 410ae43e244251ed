using System.Text.Json.Serialization;

namespace CorralOS.Engine.Containers;

/// <summary>
/// A container's runtime state (state.json), Docker's State object. Rewritten atomically at every transition, so
/// after a daemon restart the engine knows what each container was doing.
/// </summary>
public sealed class ContainerState
{
    [JsonPropertyName("Status")] public string Status { get; set; } = ContainerStatus.Created;
    [JsonPropertyName("Pid")] public int Pid { get; set; }
    [JsonPropertyName("ExitCode")] public int ExitCode { get; set; }
    [JsonPropertyName("Error")] public string Error { get; set; } = "";
    [JsonPropertyName("StartedAt")] public DateTimeOffset? StartedAt { get; set; }
    [JsonPropertyName("FinishedAt")] public DateTimeOffset? FinishedAt { get; set; }
    [JsonPropertyName("RestartCount")] public int RestartCount { get; set; }

    /// <summary>The kernel's OOM killer struck the container's cgroup during its last run.</summary>
    [JsonPropertyName("OOMKilled")] public bool OomKilled { get; set; }

    /// <summary>Stopped by a user (stop, kill, restart's stop): unless-stopped and always-after-restart respect it.</summary>
    [JsonPropertyName("StoppedByUser")] public bool StoppedByUser { get; set; }

    [JsonIgnore] public bool Running => Status is ContainerStatus.Running or ContainerStatus.Restarting;

    public ContainerState Copy() => (ContainerState)MemberwiseClone();
}

/// <summary>Docker's status words.</summary>
public static class ContainerStatus
{
    public const string Created = "created";
    public const string Running = "running";
    public const string Restarting = "restarting";
    public const string Exited = "exited";
    public const string Removing = "removing";
    public const string Dead = "dead";
}
