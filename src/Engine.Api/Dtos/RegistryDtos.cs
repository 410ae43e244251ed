using System.Text.Json.Serialization;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>
/// A line of Docker's JSON message stream as pull and push write it: status per layer with a progress bar,
/// errors after the stream started, and push's aux result.
/// </summary>
public sealed class ProgressMessage
{
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Status { get; init; }
    [JsonPropertyName("progressDetail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ProgressCounts? ProgressDetail { get; init; }
    [JsonPropertyName("progress"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Progress { get; init; }
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [JsonPropertyName("errorDetail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ErrorDetail? ErrorDetail { get; init; }
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Error { get; init; }
    [JsonPropertyName("aux"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PushAux? Aux { get; init; }
}

/// <summary>progressDetail: empty ({}) on plain layer lines, current/total while bytes move.</summary>
public sealed class ProgressCounts
{
    [JsonPropertyName("current"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Current { get; init; }
    [JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Total { get; init; }
}

public sealed record ErrorDetail([property: JsonPropertyName("message")] string Message);

public sealed record PushAux(
    [property: JsonPropertyName("Tag")] string Tag,
    [property: JsonPropertyName("Digest")] string Digest,
    [property: JsonPropertyName("Size")] long Size);

/// <summary>POST /auth (docker login).</summary>
public sealed class AuthRequest
{
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("password")] public string? Password { get; init; }
    [JsonPropertyName("auth")] public string? Auth { get; init; }
    [JsonPropertyName("serveraddress")] public string? ServerAddress { get; init; }
}

public sealed record AuthResponse(
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("IdentityToken")] string IdentityToken);

/// <summary>Source-generated JSON for the registry routes (kept apart from ApiJson so they change alone).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ProgressMessage))]
[JsonSerializable(typeof(AuthRequest))]
[JsonSerializable(typeof(AuthResponse))]
internal sealed partial class RegistryApiJson : JsonSerializerContext;
