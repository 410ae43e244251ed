using System.Text.Json.Serialization;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>POST /containers/{id}/exec's answer.</summary>
public sealed record ExecCreateResponse([property: JsonPropertyName("Id")] string Id);

/// <summary>GET /exec/{id}/json.</summary>
public sealed class ExecInspect
{
    [JsonPropertyName("ID")] public required string Id { get; init; }
    [JsonPropertyName("Running")] public bool Running { get; init; }
    [JsonPropertyName("ExitCode")] public int? ExitCode { get; init; }
    [JsonPropertyName("ProcessConfig")] public required ExecProcessConfig ProcessConfig { get; init; }
    [JsonPropertyName("OpenStdin")] public bool OpenStdin { get; init; }
    [JsonPropertyName("OpenStderr")] public bool OpenStderr { get; init; }
    [JsonPropertyName("OpenStdout")] public bool OpenStdout { get; init; }
    [JsonPropertyName("CanRemove")] public bool CanRemove { get; init; }
    [JsonPropertyName("ContainerID")] public required string ContainerId { get; init; }
    [JsonPropertyName("DetachKeys")] public string DetachKeys { get; init; } = "";
    [JsonPropertyName("Pid")] public int Pid { get; init; }
}

public sealed class ExecProcessConfig
{
    [JsonPropertyName("tty")] public bool Tty { get; init; }
    [JsonPropertyName("entrypoint")] public required string Entrypoint { get; init; }
    [JsonPropertyName("arguments")] public required List<string> Arguments { get; init; }
    [JsonPropertyName("privileged")] public bool Privileged { get; init; }
    [JsonPropertyName("user")] public string User { get; init; } = "";
    [JsonPropertyName("workingDir")] public string WorkingDir { get; init; } = "";
}
