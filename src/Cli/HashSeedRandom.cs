using System.Runtime.InteropServices;

namespace CorralOS.Cli;

/// <summary>
/// The bytes the .NET runtime seeds its string hashing with (Marvin, HashCode): the link wraps the runtime's
/// SystemNative_GetNonCryptographicallySecureRandomBytes with <see cref="Fill"/> (-Wl,--wrap in the project file).
/// The runtime's own reads /dev/urandom, and since Linux 5.18 a read of /dev/urandom before the kernel's random pool
/// is ready runs the kernel's jitter-entropy loop until it is: about a second of the boot under emulation, before PID 1
/// printed anything. getrandom(GRND_INSECURE) is the kernel's answer for such non-cryptographic seeds: it never waits.
/// Cryptographic randomness (RandomNumberGenerator, Guid) still comes from the runtime's own path and waits as it must.
/// </summary>
internal static unsafe partial class HashSeedRandom
{
    [UnmanagedCallersOnly(EntryPoint = "__wrap_SystemNative_GetNonCryptographicallySecureRandomBytes")]
    private static void Fill(byte* buffer, int length)
    {
        if (!Linux.KernelRandom.TryFillWithoutWaiting(new Span<byte>(buffer, length)))
        {
            // A kernel before 5.6 refuses the flag: the runtime's own way.
            RuntimeFill(buffer, length);
        }
    }

    // Bound at link time, as getrandom is (DirectPInvoke in the project file): resolving either lazily would hash
    // strings, which is what asks for these bytes in the first place.
    [LibraryImport("libSystem.Native", EntryPoint = "__real_SystemNative_GetNonCryptographicallySecureRandomBytes")]
    private static partial void RuntimeFill(byte* buffer, int length);
}
