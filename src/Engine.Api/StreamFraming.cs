using System.Buffers.Binary;
using System.Text;

namespace CorralOS.Engine.Api;

/// <summary>
/// Docker's stream multiplexing (stdcopy) for logs and attach without a TTY: each chunk is preceded by 8 bytes,
/// [stream, 0, 0, 0, size as big-endian uint32], stream 1 = stdout, 2 = stderr. With a TTY the bytes go raw.
/// </summary>
public static class StreamFraming
{
    public static async Task WriteAsync(Stream output, string stream, string text, bool tty, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        if (!tty)
        {
            var header = new byte[8];
            header[0] = stream == "stderr" ? (byte)2 : (byte)1;
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
            await output.WriteAsync(header, cancellationToken);
        }
        await output.WriteAsync(payload, cancellationToken);
    }
}
