using System.Runtime.InteropServices;

namespace CorralOS.Network.Interop;

/// <summary>The few libc calls a NETLINK_ROUTE socket needs; names follow the man pages.</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int NETLINK_ROUTE = 0;
    internal const int SOL_SOCKET = 1;
    internal const int SO_RCVBUF = 8;

    internal const int EINTR = 4;

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int close(int fd);
}
