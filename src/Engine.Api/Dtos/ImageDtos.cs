using System.Text.Json;
using System.Text.Json.Serialization;

namespace CorralOS.Engine.Api.Dtos;

/// <summary>One entry of GET /images/json.</summary>
public sealed class ImageSummary
{
    [JsonPropertyName("Id")] public required string Id { get; init; }
    [JsonPropertyName("ParentId")] public string ParentId { get; init; } = "";
    [JsonPropertyName("RepoTags")] public required List<string> RepoTags { get; init; }
    [JsonPropertyName("RepoDigests")] public required List<string> RepoDigests { get; init; }
    [JsonPropertyName("Created")] public long Created { get; init; }
    [JsonPropertyName("Size")] public long Size { get; init; }
    [JsonPropertyName("SharedSize")] public long SharedSize { get; init; } = -1;
    [JsonPropertyName("VirtualSize")] public long VirtualSize { get; init; }
    [JsonPropertyName("Labels")] public required Dictionary<string, string> Labels { get; init; }
    [JsonPropertyName("Containers")] public long Containers { get; init; } = -1;
}

/// <summary>GET /images/{name}/json.</summary>
public sealed class ImageInspect
{
    [JsonPropertyName("Id")] public required string Id { get; init; }
    [JsonPropertyName("RepoTags")] public required List<string> RepoTags { get; init; }
    [JsonPropertyName("RepoDigests")] public required List<string> RepoDigests { get; init; }
    [JsonPropertyName("Parent")] public string Parent { get; init; } = "";
    [JsonPropertyName("Comment")] public string Comment { get; init; } = "";
    [JsonPropertyName("Created")] public required string Created { get; init; }
    [JsonPropertyName("DockerVersion")] public string DockerVersion { get; init; } = "";
    [JsonPropertyName("Author")] public string Author { get; init; } = "";
    [JsonPropertyName("Config")] public JsonElement? Config { get; init; }
    [JsonPropertyName("Architecture")] public string Architecture { get; init; } = "";
    [JsonPropertyName("Variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Variant { get; init; }
    [JsonPropertyName("Os")] public string Os { get; init; } = "";
    [JsonPropertyName("OsVersion"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OsVersion { get; init; }
    [JsonPropertyName("Size")] public long Size { get; init; }
    [JsonPropertyName("VirtualSize")] public long VirtualSize { get; init; }
    [JsonPropertyName("GraphDriver")] public required GraphDriverData GraphDriver { get; init; }
    [JsonPropertyName("RootFS")] public required RootFsView RootFs { get; init; }
    [JsonPropertyName("Metadata")] public required ImageMetadata Metadata { get; init; }
}

public sealed record GraphDriverData(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Data")] Dictionary<string, string> Data);

public sealed record RootFsView(
    [property: JsonPropertyName("Type")] string Type,
    [property: JsonPropertyName("Layers")] List<string> Layers);

public sealed record ImageMetadata([property: JsonPropertyName("LastTagTime")] string LastTagTime);

/// <summary>One entry of GET /images/{name}/history, newest first.</summary>
public sealed class HistoryItem
{
    [JsonPropertyName("Id")] public required string Id { get; init; }
    [JsonPropertyName("Created")] public long Created { get; init; }
    [JsonPropertyName("CreatedBy")] public string CreatedBy { get; init; } = "";
    [JsonPropertyName("Tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("Size")] public long Size { get; init; }
    [JsonPropertyName("Comment")] public string Comment { get; init; } = "";
}

/// <summary>One entry of DELETE /images/{name}.</summary>
public sealed class DeleteItem
{
    [JsonPropertyName("Untagged"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Untagged { get; init; }
    [JsonPropertyName("Deleted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Deleted { get; init; }
}

/// <summary>A line of Docker's JSON message stream (load, and later pull).</summary>
public sealed class JsonMessage
{
    [JsonPropertyName("stream"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Stream { get; init; }
    [JsonPropertyName("status"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Status { get; init; }
    [JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [JsonPropertyName("progressDetail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ProgressDetail? ProgressDetail { get; init; }
}

public sealed record ProgressDetail(
    [property: JsonPropertyName("current")] long Current,
    [property: JsonPropertyName("total")] long Total);
