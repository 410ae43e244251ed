using System.IO.Compression;

namespace CorralOS.Engine.Archives;

/// <summary>Recognises a compressed stream by its magic bytes and returns a stream of the plain content.</summary>
public static class Compression
{
    public static Stream Decompress(Stream input, string what) => Decompress(input, what, out _, out _);

    public static Stream Decompress(Stream input, string what, out bool gzipped, out bool zstd)
    {
        gzipped = false;
        zstd = false;
        var head = new byte[6];
        var n = 0;
        while (n < head.Length)
        {
            var r = input.Read(head, n, head.Length - n);
            if (r == 0)
            {
                break;
            }
            n += r;
        }
        var whole = new PrefixedStream(head.AsMemory(0, n), input);
        var magic = head.AsSpan(0, n);
        if (magic.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            gzipped = true;
            return new GZipStream(whole, CompressionMode.Decompress);
        }
        if (magic.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
        {
            zstd = true;
            return new ZstdSharp.DecompressionStream(whole);
        }
        if (magic.StartsWith("BZh"u8) || magic.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
        {
            throw new InvalidArgumentException($"{what}: bzip2 and xz compression are not supported");
        }
        return whole;
    }

    /// <summary>The bytes already read for sniffing, then the rest of the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return rest.Read(buffer);
            }
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException("this stream only reads forward");
        public override long Position { get => throw new NotSupportedException("this stream only reads forward"); set => throw new NotSupportedException("this stream only reads forward"); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("this stream only reads forward");
        public override void SetLength(long value) => throw new NotSupportedException("this stream only reads forward");
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("this stream only reads forward");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
