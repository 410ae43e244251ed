using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>The kernel's random pool, and a thread's priority and personality.</summary>
internal static unsafe partial class Libc
{
    internal const int PRIO_PROCESS = 0;

    /// <summary>getrandom(2)'s flag for non-cryptographic uses: never waits for the pool (Linux 5.6 and later).</summary>
    internal const uint GRND_INSECURE = 0x4;

    /// <summary>personality(2)'s argument that only reads the current value.</summary>
    internal const uint PERSONALITY_QUERY = 0xffffffff;

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint getrandom(byte* buffer, nuint length, uint flags);

    [LibraryImport(Lib)]
    internal static partial int gettid();

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int setpriority(int which, int who, int prio);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int personality(uint persona);
}
