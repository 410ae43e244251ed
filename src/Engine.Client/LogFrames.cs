using System.Buffers.Binary;

namespace CorralOS.Engine.Client;

/// <summary>
/// Docker's multiplexed stream: frames of an 8-byte header (stream 1 stdout, 2 stderr; three zero bytes; big-endian
/// payload length) and the payload. Used by logs and attach when the container has no TTY.
/// </summary>
public static class LogFrames
{
    public static async Task CopyAsync(Stream source, Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        var buffer = new byte[16 * 1024];
        while (await ReadFullyAsync(source, header, cancellationToken).ConfigureAwait(false))
        {
            var target = header[0] == 2 ? stderr : stdout;
            var remaining = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            while (remaining > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new EngineApiException("the log stream ended inside a frame");
                }
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                remaining -= read;
            }
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ReadFullyAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return total == 0 ? false : throw new EngineApiException("the log stream ended inside a frame header");
            }
            total += read;
        }
        return true;
    }
}
