using System.Diagnostics;
using System.Runtime.InteropServices;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// Starting a program without address space randomization (personality ADDR_NO_RANDOMIZE, what `setarch -R` does)
/// without a wrapper process. The personality belongs to the calling thread and a child inherits it at fork, so it is
/// set around the synchronous fork and exec of <see cref="Process.Start(ProcessStartInfo)"/> and restored after.
/// </summary>
public static class AddressRandomization
{
    /// <summary>personality(2)'s flag (/proc/PID/personality shows it as 00040000).</summary>
    public const uint ADDR_NO_RANDOMIZE = 0x0040000;

    /// <summary>Starts <paramref name="info"/> with randomization off for it (and what it executes, unless that resets it).</summary>
    public static Process StartWithout(ProcessStartInfo info)
    {
        var previous = Libc.personality(Libc.PERSONALITY_QUERY);
        if (previous < 0 || Libc.personality((uint)previous | ADDR_NO_RANDOMIZE) < 0)
        {
            throw new SystemCallException("personality", info.FileName, Marshal.GetLastPInvokeError());
        }
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        }
        finally
        {
            _ = Libc.personality((uint)previous);
        }
    }
}
