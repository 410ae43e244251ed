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
    public async Task<SafeFileHandle?> ReceiveAsync(Task runtimeExited)
    {
        using var cancel = new CancellationTokenSource();
        var accept = _listener.AcceptAsync(cancel.Token).AsTask();
        if (await Task.WhenAny(accept, runtimeExited) != accept)
        {
            await cancel.CancelAsync();
            try
            {
                await accept;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        using var connection = await accept;
        var receive = CorralOS.Linux.Terminals.ReceiveDescriptorAsync(connection, cancel.Token);
        if (await Task.WhenAny(receive, runtimeExited) != receive)
        {
            await cancel.CancelAsync();
            try
            {
                return await receive;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return await receive;
    }

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(Path);
    }
}
