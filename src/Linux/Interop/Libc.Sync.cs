using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>Advisory locks and durability: what atomic config writes need beyond .NET's File API.</summary>
internal static partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open_mode(string pathname, int flags, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int flock(int fd, int operation);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fsync(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int syncfs(int fd);

    internal const int LOCK_EX = 2;
    internal const int O_CREAT_RDWR_CLOEXEC = 0x40 | 0x2 | 0x80000;
    internal const int O_DIRECTORY_RDONLY_CLOEXEC = 0x10000 | 0x80000;
}
