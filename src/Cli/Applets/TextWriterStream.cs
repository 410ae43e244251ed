using System.Text;

namespace CorralOS.Cli.Applets;

/// <summary>
/// Bytes to a <see cref="TextWriter"/> (UTF-8), flushed on every write so followed logs show at once; with a prefix,
/// every line starts with it (logs of several services at a time: "name | line").
/// </summary>
internal sealed class TextWriterStream : Stream
{
    private readonly TextWriter _writer;
    private readonly string? _prefix;
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private bool _atLineStart = true;

    public TextWriterStream(TextWriter writer, string? prefix = null)
    {
        _writer = writer;
        _prefix = prefix;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException("a text writer has no length");

    public override long Position
    {
        get => throw new NotSupportedException("a text writer has no position");
        set => throw new NotSupportedException("a text writer has no position");
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        var length = _decoder.GetChars(buffer, offset, count, chars, 0);
        lock (_writer)
        {
            for (var i = 0; i < length; i++)
            {
                if (_atLineStart && _prefix is not null)
                {
                    _writer.Write(_prefix);
                }
                _writer.Write(chars[i]);
                _atLineStart = chars[i] == '\n';
            }
            _writer.Flush();
        }
    }

    public override void Flush() => _writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("write-only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("write-only");

    public override void SetLength(long value) => throw new NotSupportedException("write-only");
}
