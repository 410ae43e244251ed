using System.Security.Cryptography;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Archives;

/// <summary>A read-only pass-through that hashes (sha256) and counts every byte read through it.</summary>
public sealed class HashingStream(Stream inner) : ForwardReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    /// <summary>Reads whatever is left (so the digest covers the whole stream) and returns the digest.</summary>
    public Digest Finish()
    {
        CopyTo(Null);
        return Digest.FromHash(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override long Position { get => BytesRead; set => base.Position = value; }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
