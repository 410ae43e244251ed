using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Engine.Containers;

/// <summary>
/// The unix socket given to crun as --console-socket: crun connects once and sends the pty master of the process it
/// starts with a terminal. The path is short (under the exec root) because socket paths are limited to 108 bytes.
/// </summary>
internal sealed class ConsoleSocket : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public ConsoleSocket(string execRoot)
    {
        Path = System.IO.Path.Combine(execRoot, "console-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)) + ".sock");
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(1);
    }

    public string Path { get; }

    /// <summary>The pty master, or null when the runtime exited without sending one.</summary>
    /// <remarks>
    /// A runtime that has exited has done all it will: its connection is queued on the listener and its message is in
    /// the connection's buffer. So its exit ends the wait only when nothing is there to take; a process that exits at
    /// once (`exec -t box true`) still has its terminal, and its output and exit code, passed on.
    /// </remarks>
    public async Task<SafeFileHandle?> ReceiveAsync(Task runtimeExited)
    {
        using var stopAccept = new CancellationTokenSource();
        var accept = _listener.AcceptAsync(stopAccept.Token).AsTask();
        if (await Task.WhenAny(accept, runtimeExited) != accept && !_listener.Poll(0, SelectMode.SelectRead))
        {
            await stopAccept.CancelAsync();
        }
        Socket connection;
        try
        {
            // Accepted just before the cancel: still the runtime's connection.
            connection = await accept;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        using (connection)
        {
            using var stopReceive = new CancellationTokenSource();
            var receive = CorralOS.Linux.Terminals.ReceiveDescriptorAsync(connection, stopReceive.Token);
            if (await Task.WhenAny(receive, runtimeExited) != receive && !connection.Poll(0, SelectMode.SelectRead))
            {
                await stopReceive.CancelAsync();
            }
            try
            {
                return await receive;
            }
            catch (Exception e) when (e is OperationCanceledException || (e is IOException && runtimeExited.IsCompleted))
            {
                // Gone without sending one (closed its connection empty): its own error says why.
                return null;
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(Path);
    }
}
