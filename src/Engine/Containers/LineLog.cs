namespace CorralOS.Engine.Containers;

/// <summary>
/// A log driver's writing side: the container's output pipes are cut into lines (a very long line into 16 KiB
/// pieces, as Docker does) and each line goes to <see cref="Write"/>; what reaches attached clients is teed first.
/// </summary>
public abstract class LineLog : IDisposable
{
    /// <summary>Copies one output pipe into the log until it closes (the container and crun exited).</summary>
    public async Task PumpAsync(Stream source, string stream, Func<ReadOnlyMemory<byte>, Task>? tee = null)
    {
        var buffer = new byte[16384];
        var pending = new List<byte>();
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            if (tee is not null)
            {
                await tee(buffer.AsMemory(0, read));
            }
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    pending.AddRange(buffer.AsSpan(start, i + 1 - start));
                    Write(stream, pending);
                    pending.Clear();
                    start = i + 1;
                }
            }
            pending.AddRange(buffer.AsSpan(start, read - start));
            // A very long line is split as Docker does (16 KiB chunks), so memory stays bounded.
            if (pending.Count >= 16384)
            {
                Write(stream, pending);
                pending.Clear();
            }
        }
        if (pending.Count > 0)
        {
            Write(stream, pending);
        }
    }

    /// <summary>One line (with its newline, unless it is a piece of a longer one) from "stdout" or "stderr".</summary>
    protected abstract void Write(string stream, List<byte> line);

    public abstract void Dispose();
}
