using System.Text.Json.Serialization;

namespace CorralOS.Engine.Exec;

/// <summary>The body of POST /containers/{id}/exec, as Docker defines it.</summary>
public sealed class ExecConfig
{
    [JsonPropertyName("AttachStdin")] public bool AttachStdin { get; set; }
    [JsonPropertyName("AttachStdout")] public bool AttachStdout { get; set; }
    [JsonPropertyName("AttachStderr")] public bool AttachStderr { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("DetachKeys")] public string? DetachKeys { get; set; }
    [JsonPropertyName("ConsoleSize")] public List<int>? ConsoleSize { get; set; }
    [JsonPropertyName("Env")] public List<string>? Env { get; set; }
    [JsonPropertyName("Cmd")] public List<string>? Cmd { get; set; }
    [JsonPropertyName("User")] public string? User { get; set; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; set; }
    [JsonPropertyName("Privileged")] public bool Privileged { get; set; }
}

/// <summary>The body of POST /exec/{id}/start.</summary>
public sealed class ExecStartConfig
{
    [JsonPropertyName("Detach")] public bool Detach { get; set; }
    [JsonPropertyName("Tty")] public bool Tty { get; set; }
    [JsonPropertyName("ConsoleSize")] public List<int>? ConsoleSize { get; set; }
}
