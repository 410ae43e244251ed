using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>Terminal modes (termios) for a client that puts the local terminal in raw mode, and its size (TIOCGWINSZ).</summary>
internal static unsafe partial class Libc
{
    // glibc's struct termios on x86_64 is 60 bytes; the buffer is opaque here and only passed between these calls.
    internal const int TermiosSize = 64;
    internal const int TCSANOW = 0;
    internal const nuint TIOCGWINSZ = 0x5413;

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int tcsetattr(int fd, int optionalActions, byte* termios);

    [LibraryImport(Lib)]
    internal static partial void cfmakeraw(byte* termios);

    [LibraryImport(Lib)]
    internal static partial int isatty(int fd);
}
