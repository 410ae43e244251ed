using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CorralOS.Linux;

/// <summary>
/// Starting a program without address space randomization (personality ADDR_NO_RANDOMIZE, what `setarch -R` does)
/// without a wrapper process. The personality belongs to the calling thread and a child inherits it at fork, so it is
/// set around the synchronous fork and exec of <see cref="Process.Start(ProcessStartInfo)"/> and restored after.
/// </summary>
public static partial class AddressRandomization
{
    /// <summary>personality(2)'s flag; 0xffffffff only reads the current value.</summary>
    public const uint ADDR_NO_RANDOMIZE = 0x0040000;

    private const uint Query = 0xffffffff;

    /// <summary>Starts <paramref name="info"/> with randomization off for it (and what it executes, unless that resets it).</summary>
    public static Process StartWithout(ProcessStartInfo info)
    {
        var previous = personality(Query);
        if (previous < 0 || personality((uint)previous | ADDR_NO_RANDOMIZE) < 0)
        {
            throw new SystemCallException("personality", info.FileName, Marshal.GetLastPInvokeError());
        }
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start");
        }
        finally
        {
            _ = personality((uint)previous);
        }
    }

    /// <summary>The personality flags of a process (/proc/PID/personality, hexadecimal).</summary>
    public static uint PersonalityOf(int pid) =>
        uint.Parse(File.ReadAllText($"/proc/{pid}/personality").Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int personality(uint persona);
}
