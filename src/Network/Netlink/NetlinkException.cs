using System.Runtime.InteropServices;

namespace CorralOS.Network.Netlink;

/// <summary>The kernel refused a netlink request (or the socket failed): errno and its text.</summary>
internal sealed class NetlinkException : IOException
{
    public NetlinkException(int errno)
        : base(Marshal.GetPInvokeErrorMessage(errno)) => Errno = errno;

    public int Errno { get; }
}
