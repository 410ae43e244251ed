using System.Net.Sockets;
using System.Runtime.InteropServices;
using CorralOS.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Linux;

/// <summary>
/// The two terminal operations a container engine needs: take the pty master an OCI runtime sends to its
/// --console-socket (one file descriptor in an SCM_RIGHTS message), and set a terminal's window size.
/// </summary>
public static class Terminals
{
    /// <summary>Reads the one message on a connected unix socket and returns the descriptor it carries.</summary>
    public static async Task<SafeFileHandle> ReceiveDescriptorAsync(Socket connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A zero-byte receive waits until the message is there without consuming it.
            await connection.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
            if (TryReceive(connection, out var handle))
            {
                return handle;
            }
        }
    }

    private static unsafe bool TryReceive(Socket connection, out SafeFileHandle handle)
    {
        var data = stackalloc byte[4096];
        var controlSize = sizeof(Libc.CmsgHdr) + 8 * sizeof(int);
        var control = stackalloc byte[controlSize];
        var iov = new Libc.IoVec { Base = data, Length = 4096 };
        var msg = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
        var fd = (int)connection.SafeHandle.DangerousGetHandle();
        var read = Libc.recvmsg(fd, &msg, Libc.MSG_CMSG_CLOEXEC);
        if (read < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Libc.EAGAIN or Libc.EINTR)
            {
                handle = null!;
                return false;
            }
            throw new SystemCallException("recvmsg", "console socket", errno);
        }
        var header = (Libc.CmsgHdr*)control;
        if (msg.ControlLength < (nuint)sizeof(Libc.CmsgHdr) || header->Level != Libc.SOL_SOCKET || header->Type != Libc.SCM_RIGHTS)
        {
            throw new IOException("the console socket's message carried no file descriptor");
        }
        handle = new SafeFileHandle(*(int*)(control + sizeof(Libc.CmsgHdr)), ownsHandle: true);
        return true;
    }

    /// <summary>TIOCSWINSZ: the terminal's size in rows and columns (the foreground process gets SIGWINCH).</summary>
    public static unsafe void Resize(SafeFileHandle terminal, int rows, int columns)
    {
        var size = new Libc.WinSize { Rows = (ushort)rows, Columns = (ushort)columns };
        var added = false;
        terminal.DangerousAddRef(ref added);
        try
        {
            SystemCallException.ThrowIfFailed(Libc.ioctl((int)terminal.DangerousGetHandle(), Libc.TIOCSWINSZ, &size), "ioctl TIOCSWINSZ", "terminal");
        }
        finally
        {
            if (added)
            {
                terminal.DangerousRelease();
            }
        }
    }
}
