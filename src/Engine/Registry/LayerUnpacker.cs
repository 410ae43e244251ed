using System.Text.Json;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Images;
using CorralOS.Engine.Layers;

namespace CorralOS.Engine.Registry;

/// <summary>
/// Turns a verified blob into a staged layer the way a load does: decompress (plain, gzip, zstd), hash the tar
/// against the config's diff_id and, when the store lacks the layer, extract it into staging with the same
/// safety rules. Synchronous (tar reading is); runs on a pool thread.
/// </summary>
public static class LayerUnpacker
{
    private const int ReportEvery = 512 * 1024;

    public static StagedLayer Unpack(ImageStore store, string blobFile, Digest blob, Digest diffId, string staging, Action<ProgressEvent> progress, CancellationToken cancellationToken)
    {
        var what = $"layer {blob}";
        var id = blob.Short;
        var known = store.HasLayer(diffId);
        var dir = known ? null : Path.Combine(staging, "layers", diffId.Hex);
        long size = 0;
        Digest actual;
        bool gzipped, zstd;
        long blobSize;
        try
        {
            var file = File.OpenRead(blobFile);
            blobSize = file.Length;
            using var counted = new ProgressStream(file, read => progress(new ProgressEvent("Extracting", id, read, blobSize)), ReportEvery, cancellationToken);
            using var plain = new HashingStream(Compression.Decompress(counted, what, out gzipped, out zstd));
            if (dir is not null)
            {
                var extractor = new LayerExtractor(Directory.CreateDirectory(Path.Combine(dir, "diff")).FullName, what);
                extractor.Extract(plain);
                size = extractor.ContentSize;
            }
            actual = plain.Finish();
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw new RegistryException($"{what} is not a valid tar: {e.Message}", e);
        }
        if (actual != diffId)
        {
            throw new RegistryException($"{what} has diff_id {actual}, the image config says {diffId}");
        }
        if (dir is not null)
        {
            File.WriteAllBytes(Path.Combine(dir, "layer.json"), JsonSerializer.SerializeToUtf8Bytes(new LayerInfo { DiffId = diffId.ToString(), Size = size }, StoreJson.Default.LayerInfo));
        }
        else
        {
            size = store.LayerSize(diffId.ToString());
        }
        var mediaType = gzipped ? MediaTypes.OciLayerGzip : zstd ? MediaTypes.OciLayerZstd : MediaTypes.OciLayer;
        return new StagedLayer(diffId, blob, mediaType, blobSize, blobFile, dir, size);
    }
}
