namespace CorralOS.Engine;

/// <summary>
/// Base of the engine's wrapping streams that are read once, front to back (hashing, progress, detach keys): the
/// Stream members such a stream cannot have, in one place. Seeking, writing and a length are not part of what they
/// are (Stream's own contract for CanSeek/CanWrite false is NotSupportedException).
/// </summary>
public abstract class ForwardReadStream : Stream
{
    private const string ForwardOnly = "this stream only reads forward";

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException(ForwardOnly);
    public override long Position { get => throw new NotSupportedException(ForwardOnly); set => throw new NotSupportedException(ForwardOnly); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException(ForwardOnly);
    public override void SetLength(long value) => throw new NotSupportedException(ForwardOnly);
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException(ForwardOnly);
}
