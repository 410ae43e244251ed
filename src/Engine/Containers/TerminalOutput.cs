using System.IO.Pipelines;

namespace CorralOS.Engine.Containers;

/// <summary>
/// What a process writes to its terminal, read from the pty master on a thread of its own. .NET has no readiness
/// notification for a character device: FileStream's async read is a blocking read on a thread-pool thread, held for
/// the terminal's whole life. A few interactive containers or execs then starve the pool, and every API request and
/// timer of the engine waits (an exec's Pid was still unknown seconds after it ran).
/// </summary>
internal static class TerminalOutput
{
    private const int ChunkSize = 16384;

    /// <summary>A stream over the unbuffered <paramref name="master"/> that reads the terminal's output and ends (reads 0) once every holder of its slave side is gone (EIO).</summary>
    public static Stream Start(FileStream master)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * ChunkSize, resumeWriterThreshold: ChunkSize, useSynchronizationContext: false));
        var thread = new Thread(() => Copy(master, pipe.Writer), maxStackSize: 256 * 1024) { IsBackground = true, Name = "pty output" };
        thread.Start();
        return pipe.Reader.AsStream();
    }

    private static void Copy(FileStream master, PipeWriter writer)
    {
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(ChunkSize);
                var read = master.Read(memory.Span);
                if (read <= 0)
                {
                    break;
                }
                writer.Advance(read);
                // Blocks this thread only, while the reader is behind.
                if (writer.FlushAsync().AsTask().GetAwaiter().GetResult().IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // EIO: the terminal's other side is closed; or the master was closed under the read.
        }
        catch (Exception e)
        {
            // Anything else goes to the reader: an exception on this thread would end the whole process (PID 1).
            writer.Complete(e);
            return;
        }
        writer.Complete();
    }
}
