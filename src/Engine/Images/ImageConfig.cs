using System.Text.Json;
using System.Text.Json.Serialization;

namespace CorralOS.Engine.Images;

/// <summary>
/// The parts of an OCI/Docker image config the engine reads. The config blob itself is kept byte for byte
/// (its sha256 is the image ID); "config" stays raw JSON so inspect returns it unchanged.
/// </summary>
public sealed class ImageConfig
{
    [JsonPropertyName("architecture")] public string? Architecture { get; set; }
    [JsonPropertyName("os")] public string? Os { get; set; }
    [JsonPropertyName("variant")] public string? Variant { get; set; }
    [JsonPropertyName("os.version")] public string? OsVersion { get; set; }
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; set; }
    [JsonPropertyName("author")] public string? Author { get; set; }
    [JsonPropertyName("comment")] public string? Comment { get; set; }
    [JsonPropertyName("docker_version")] public string? DockerVersion { get; set; }
    [JsonPropertyName("config")] public JsonElement? Config { get; set; }
    [JsonPropertyName("rootfs")] public RootFs? RootFs { get; set; }
    [JsonPropertyName("history")] public List<HistoryEntry>? History { get; set; }

    /// <summary>Labels from config.Labels, for filters.</summary>
    public IReadOnlyDictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Config is { ValueKind: JsonValueKind.Object } config
            && config.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in l.EnumerateObject())
            {
                labels[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.ToString();
            }
        }
        return labels;
    }
}

public sealed class RootFs
{
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("diff_ids")] public List<string>? DiffIds { get; set; }
}

public sealed class HistoryEntry
{
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; set; }
    [JsonPropertyName("created_by")] public string? CreatedBy { get; set; }
    [JsonPropertyName("author")] public string? Author { get; set; }
    [JsonPropertyName("comment")] public string? Comment { get; set; }
    [JsonPropertyName("empty_layer")] public bool EmptyLayer { get; set; }
}
