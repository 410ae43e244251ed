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
            using var counted = new ReportingStream(file, read => progress(new ProgressEvent("Extracting", id, read, blobSize)), ReportEvery, cancellationToken);
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

    /// <summary>Counts bytes read and reports every so many; checks cancellation as it goes.</summary>
    private sealed class ReportingStream(Stream inner, Action<long> report, long every, CancellationToken cancellationToken) : Stream
    {
        private long _read;
        private long _next;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = inner.Read(buffer);
            _read += n;
            if (n > 0 && _read >= _next)
            {
                report(_read);
                _next = _read + every;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException("this stream only reads forward");
        public override long Position { get => _read; set => throw new NotSupportedException("this stream only reads forward"); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("this stream only reads forward");
        public override void SetLength(long value) => throw new NotSupportedException("this stream only reads forward");
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("this stream only reads forward");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
