using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>
/// execve/execvp, what a process resets before it execs (signal mask, SIGPIPE), and the open flags redirecting the
/// standard streams before it needs (open_mode is in Libc.Sync.cs).
/// </summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int execve(byte* pathname, byte** argv, byte** envp);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int execvp(byte* file, byte** argv);

    /// <summary>signal(2) with SIG_DFL or SIG_IGN as <paramref name="handler"/>; returns the previous one (SIG_ERR: -1).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint signal(int signum, nint handler);

    /// <summary><paramref name="set"/> and <paramref name="oldset"/> point to a glibc sigset_t (<see cref="SigsetSize"/> bytes).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int sigprocmask(int how, byte* set, byte* oldset);

    internal const nint SIG_DFL = 0;
    internal const int SIG_SETMASK = 2;
    internal const int SigsetSize = 128; // glibc's sigset_t: 1024 bits
    internal const int SIGPIPE = 13;
    internal const int FD_CLOEXEC = 1;

    internal const int O_WRONLY = 1;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_CLOEXEC = 0x80000;
}
