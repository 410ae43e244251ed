namespace CorralOS.Engine.Images;

/// <summary>An image fully verified in staging, ready for <see cref="ImageStore.Commit"/>.</summary>
public sealed record StagedImage(Digest Id, byte[] ConfigBytes, ImageConfig Config, IReadOnlyList<StagedLayer> Layers, IReadOnlyList<ImageReference> Tags);

/// <param name="BlobFile">The verified blob, in staging.</param>
/// <param name="ExtractedDir">The extracted layer (diff/ and layer.json) in staging; null when the store already had it.</param>
/// <param name="Size">Bytes of file content (Docker's layer size).</param>
public sealed record StagedLayer(Digest DiffId, Digest Blob, string MediaType, long BlobSize, string BlobFile, string? ExtractedDir, long Size);
