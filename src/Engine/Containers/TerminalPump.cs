namespace CorralOS.Engine.Containers;

/// <summary>Copies between a pty master and a client: output (from <see cref="TerminalOutput"/>) until the terminal's other side is closed, input until the client's end.</summary>
internal static class TerminalPump
{
    public static async Task OutputAsync(Stream output, Func<ReadOnlyMemory<byte>, Task> write)
    {
        var buffer = new byte[16384];
        int read;
        while ((read = await output.ReadAsync(buffer)) > 0)
        {
            await write(buffer.AsMemory(0, read));
        }
    }

    public static async Task InputAsync(Stream input, Stream master, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await master.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the process went away.
        }
    }
}
