namespace CorralOS.Engine.Registry;

/// <summary>
/// A read-only pass-through over a file that counts the bytes read and reports the count every so many bytes (the
/// progress lines of pulls and pushes); checks the token as it goes. Its length is the inner one, so an upload can
/// send Content-Length.
/// </summary>
internal sealed class ProgressStream(Stream inner, Action<long> report, long every, CancellationToken cancellationToken = default) : ForwardReadStream
{
    private long _read;
    private long _next;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Count(inner.Read(buffer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken token = default) =>
        Count(await inner.ReadAsync(buffer, token));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken token) =>
        ReadAsync(buffer.AsMemory(offset, count), token).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (n > 0 && _read >= _next)
        {
            report(_read);
            _next = _read + every;
        }
        return n;
    }

    public override long Length => inner.Length;
    public override long Position { get => _read; set => base.Position = value; }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
