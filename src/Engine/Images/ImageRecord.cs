using System.Text.Json.Serialization;

namespace CorralOS.Engine.Images;

/// <summary>
/// What the store keeps about one image (images/sha256/&lt;id&gt;.json). Its presence makes the image visible,
/// so it is written last, after every blob and layer it names is in place.
/// </summary>
public sealed class ImageRecord
{
    /// <summary>The image ID: the sha256 of the config blob.</summary>
    [JsonPropertyName("Id")] public required string Id { get; init; }

    /// <summary>Layers bottom to top, as in the config's rootfs.diff_ids.</summary>
    [JsonPropertyName("Layers")] public required List<LayerBlob> Layers { get; init; }

    [JsonPropertyName("Loaded")] public DateTimeOffset Loaded { get; init; }

    [JsonIgnore] public Digest Digest => Digest.Parse(Id);
}

/// <summary>One layer: its diff_id (sha256 of the uncompressed tar) and the blob it came as, kept for save.</summary>
public sealed class LayerBlob
{
    [JsonPropertyName("DiffId")] public required string DiffId { get; init; }
    [JsonPropertyName("Blob")] public required string Blob { get; init; }
    [JsonPropertyName("MediaType")] public required string MediaType { get; init; }
    [JsonPropertyName("BlobSize")] public long BlobSize { get; init; }
}

/// <summary>layers/sha256/&lt;diff_id&gt;/layer.json: facts found while extracting.</summary>
public sealed class LayerInfo
{
    [JsonPropertyName("DiffId")] public required string DiffId { get; init; }

    /// <summary>Bytes of file content in the layer (what Docker reports as size).</summary>
    [JsonPropertyName("Size")] public long Size { get; init; }
}

/// <summary>repositories.json: every tag and digest reference (normalised, full form) to its image ID.</summary>
public sealed class ReferenceIndex
{
    [JsonPropertyName("Refs")] public Dictionary<string, string> Refs { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("TagTimes")] public Dictionary<string, DateTimeOffset> TagTimes { get; init; } = new(StringComparer.Ordinal);
}
