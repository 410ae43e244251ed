using System.Text.Json.Serialization;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>One line of GET /events: Docker's event message, with the old status/id/from fields for containers.</summary>
public sealed class EventMessage
{
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Status { get; init; }
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [JsonPropertyName("from"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? From { get; init; }
    [JsonPropertyName("Type")] public required string Type { get; init; }
    [JsonPropertyName("Action")] public required string Action { get; init; }
    [JsonPropertyName("Actor")] public required EventActor Actor { get; init; }
    [JsonPropertyName("scope")] public string Scope { get; init; } = Events.EngineEvent.Scope;
    [JsonPropertyName("time")] public long Time { get; init; }
    [JsonPropertyName("timeNano")] public long TimeNano { get; init; }
}

public sealed record EventActor(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("Attributes")] IReadOnlyDictionary<string, string> Attributes);
