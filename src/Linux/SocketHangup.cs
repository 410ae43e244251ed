using System.Net.Sockets;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>Whether a connected unix socket's peer has closed its end for good, not only shut down its writing.</summary>
public static class SocketHangup
{
    /// <summary>
    /// True once the peer has closed (or the socket failed). A unix stream socket reports POLLHUP only when both
    /// directions are shut: a peer's close does that, a peer's shutdown(SHUT_WR) (a client done sending) does not.
    /// </summary>
    public static unsafe bool PeerClosed(Socket socket)
    {
        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            var fd = new Libc.PollFd { Fd = (int)socket.SafeHandle.DangerousGetHandle() };
            // No events asked for: hang-up, error and an invalid descriptor are always reported.
            return Libc.poll(&fd, 1, 0) == 1 && (fd.Revents & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }
}
