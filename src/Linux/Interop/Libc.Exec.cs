using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>execve and the open flags redirecting the standard streams before it needs (open_mode is in Libc.Sync.cs).</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int execve(byte* pathname, byte** argv, byte** envp);

    internal const int O_WRONLY = 1;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_CLOEXEC = 0x80000;
}
