using System.Text.Json.Serialization;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>One volume (Docker's volume.Volume): always the local driver.</summary>
public sealed class VolumeView
{
    [JsonPropertyName("Name")] public required string Name { get; init; }
    [JsonPropertyName("Driver")] public string Driver { get; init; } = "local";
    [JsonPropertyName("Mountpoint")] public required string Mountpoint { get; init; }
    [JsonPropertyName("CreatedAt")] public required string CreatedAt { get; init; }
    [JsonPropertyName("Labels")] public Dictionary<string, string> Labels { get; init; } = [];
    [JsonPropertyName("Scope")] public string Scope { get; init; } = "local";
    [JsonPropertyName("Options")] public Dictionary<string, string> Options { get; init; } = [];
}

/// <summary>GET /volumes.</summary>
public sealed class VolumeList
{
    [JsonPropertyName("Volumes")] public required List<VolumeView> Volumes { get; init; }
    [JsonPropertyName("Warnings")] public List<string> Warnings { get; init; } = [];
}
