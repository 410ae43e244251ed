using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>The libc entry points CorralOS calls directly; names follow the man pages.</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mount(string? source, string target, string? filesystemtype, ulong mountflags, string? data);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int umount2(string target, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int reboot(int cmd);

    [LibraryImport(Lib)]
    internal static partial void sync();

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int sethostname(byte* name, nuint len);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    [LibraryImport(Lib)]
    internal static partial int getpid();

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int ioctl(int fd, nuint request, void* arg);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fcntl(int fd, int cmd);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string pathname, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int dup2(int oldfd, int newfd);

    /// <summary>fcntl with an argument (F_SETFD).</summary>
    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int fcntl_arg(int fd, int cmd, int arg);

    internal const int F_GETFD = 1;
    internal const int F_SETFD = 2;
    internal const int O_RDWR = 2;

    // glibc 2.36 has no finit_module wrapper; syscall(2) takes the number and the arguments.
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial long syscall(long number, int fd, byte* paramValues, int flags);

    internal const long SYS_finit_module = 313; // x86_64

    internal const ulong MS_RDONLY = 1;
    internal const ulong MS_NOSUID = 2;
    internal const ulong MS_NODEV = 4;
    internal const ulong MS_NOEXEC = 8;
    internal const ulong MS_REMOUNT = 32;
    internal const ulong MS_BIND = 4096;
    internal const ulong MS_REC = 16384;
    internal const ulong MS_RELATIME = 1 << 21;

    internal const int MNT_DETACH = 2;

    internal const int LINUX_REBOOT_CMD_RESTART = 0x01234567;
    internal const int LINUX_REBOOT_CMD_HALT = unchecked((int)0xCDEF0123);
    internal const int LINUX_REBOOT_CMD_POWER_OFF = 0x4321FEDC;
    internal const int LINUX_REBOOT_CMD_CAD_OFF = 0;

    internal const int AF_INET = 2;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const nuint SIOCGIFFLAGS = 0x8913;
    internal const nuint SIOCSIFFLAGS = 0x8914;
    internal const short IFF_UP = 0x1;
    internal const int IFNAMSIZ = 16;

    internal const int EINTR = 4;
    internal const int EEXIST = 17;

    /// <summary>struct ifreq, reduced to the name and the flags member of its union (40 bytes on x86_64).</summary>
#pragma warning disable CS8981 // C name kept on purpose
    [StructLayout(LayoutKind.Explicit, Size = 40)]
    internal struct ifreq
    {
        [FieldOffset(0)] public fixed byte ifr_name[IFNAMSIZ];
        [FieldOffset(16)] public short ifr_flags;
    }
#pragma warning restore CS8981
}
