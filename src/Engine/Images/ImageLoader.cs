using System.Text.Json;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Layers;

namespace CorralOS.Engine.Images;

/// <summary>
/// `POST /images/load`: unpacks an archive into staging, verifies every config and layer (sha256 of the blob
/// against the manifest, of the uncompressed tar against the config's diff_ids), extracts new layers, and only
/// then commits. Any failure leaves the store as it was.
/// </summary>
public sealed class ImageLoader(ImageStore store)
{
    /// <summary>What a load did, for Docker's message stream.</summary>
    public sealed record Result(IReadOnlyList<(Digest DiffId, long Size)> NewLayers, IReadOnlyList<string> Lines);

    public Result Load(Stream input, CancellationToken cancellationToken)
    {
        var staging = store.Layout.NewTempDirectory("load");
        try
        {
            var archive = StagedArchive.Unpack(input, Path.Combine(staging, "archive"));
            var images = ArchiveParser.Parse(archive);
            var extracted = new Dictionary<Digest, StagedLayer>();
            var staged = new List<StagedImage>();
            foreach (var image in images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                staged.Add(Stage(archive, image, staging, extracted, cancellationToken));
            }

            var lines = new List<string>();
            foreach (var image in staged)
            {
                lines.AddRange(store.Commit(image));
                if (image.Tags.Count == 0)
                {
                    lines.Add($"Loaded image ID: {image.Id}");
                }
                lines.AddRange(image.Tags.Select(t => $"Loaded image: {t.Familiar}"));
            }
            var newLayers = extracted.Values.Where(l => l.ExtractedDir is not null).Select(l => (l.DiffId, l.Size)).ToList();
            return new Result(newLayers, lines);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private StagedImage Stage(StagedArchive archive, ArchiveImage image, string staging, Dictionary<Digest, StagedLayer> extracted, CancellationToken cancellationToken)
    {
        var configBytes = archive.ReadBytes(image.Config);
        var id = Digest.Of(configBytes);
        if (image.ConfigDigest is { } expected && expected != id)
        {
            throw new InvalidArgumentException($"invalid archive: config {image.Config} has digest {id}, expected {expected}");
        }
        ImageConfig config;
        try
        {
            config = JsonSerializer.Deserialize(configBytes, StoreJson.Default.ImageConfig)
                ?? throw new InvalidArgumentException($"invalid archive: config {image.Config} is null");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"invalid archive: config {image.Config} is not a valid image config: {e.Message}", e);
        }
        var diffIds = (config.RootFs?.DiffIds ?? []).Select(d => Digest.TryParse(d, out var digest)
            ? digest
            : throw new InvalidArgumentException($"invalid archive: config {image.Config} has invalid diff_id {d}")).ToList();
        if (diffIds.Count != image.Layers.Count)
        {
            throw new InvalidArgumentException($"invalid archive: config {image.Config} lists {diffIds.Count} layers, the manifest {image.Layers.Count}");
        }

        var layers = new List<StagedLayer>();
        for (var i = 0; i < diffIds.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!extracted.TryGetValue(diffIds[i], out var layer))
            {
                layer = StageLayer(archive, image.Layers[i], diffIds[i], staging);
                extracted[diffIds[i]] = layer;
            }
            layers.Add(layer);
        }
        return new StagedImage(id, configBytes, config, layers, image.Tags);
    }

    // One pass: hash the blob as stored, decompress, hash the tar and (for a layer the store lacks) extract it.
    private StagedLayer StageLayer(StagedArchive archive, ArchiveLayer source, Digest diffId, string staging)
    {
        var what = $"layer {source.Path}";
        var known = store.HasLayer(diffId);
        var dir = known ? null : Path.Combine(staging, "layers", diffId.Hex);
        long size = 0;
        Digest blob, actualDiff;
        bool gzipped, zstd;
        long blobSize;
        try
        {
            using var raw = new HashingStream(archive.Open(source.Path));
            using var plain = new HashingStream(Compression.Decompress(raw, what, out gzipped, out zstd));
            if (dir is not null)
            {
                var diff = Directory.CreateDirectory(Path.Combine(dir, "diff")).FullName;
                var extractor = new LayerExtractor(diff, what);
                extractor.Extract(plain);
                size = extractor.ContentSize;
            }
            actualDiff = plain.Finish();
            blob = raw.Finish();
            blobSize = raw.BytesRead;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw new InvalidArgumentException($"invalid archive: {what} is not a valid tar: {e.Message}", e);
        }
        if (source.BlobDigest is { } expectedBlob && expectedBlob != blob)
        {
            throw new InvalidArgumentException($"invalid archive: {what} has digest {blob}, the manifest says {expectedBlob}");
        }
        if (actualDiff != diffId)
        {
            throw new InvalidArgumentException($"invalid archive: {what} has diff_id {actualDiff}, the config says {diffId}");
        }
        if (dir is not null)
        {
            File.WriteAllBytes(Path.Combine(dir, "layer.json"), JsonSerializer.SerializeToUtf8Bytes(new LayerInfo { DiffId = diffId.ToString(), Size = size }, StoreJson.Default.LayerInfo));
        }
        else
        {
            size = store.LayerSize(diffId.ToString());
        }
        // The blob is moved into the store at commit; copy it out of the archive so links in the archive stay valid.
        var blobFile = Path.Combine(staging, "blobs", blob.Hex);
        Directory.CreateDirectory(Path.GetDirectoryName(blobFile)!);
        if (!File.Exists(blobFile))
        {
            using var from = archive.Open(source.Path);
            using var to = new FileStream(blobFile, FileMode.CreateNew, FileAccess.Write);
            from.CopyTo(to);
            to.Flush(flushToDisk: true);
        }
        var mediaType = gzipped ? MediaTypes.OciLayerGzip : zstd ? MediaTypes.OciLayerZstd : MediaTypes.OciLayer;
        return new StagedLayer(diffId, blob, mediaType, blobSize, blobFile, dir, size);
    }
}
