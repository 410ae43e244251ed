using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>swapon(2).</summary>
public static class Swap
{
    public static void On(string device) =>
        SystemCallException.ThrowIfFailed(Libc.swapon(device, 0), "swapon", device);

    /// <summary>Devices and files in use as swap, from /proc/swaps.</summary>
    public static IReadOnlyList<string> Active(string procSwaps = "/proc/swaps") =>
        File.Exists(procSwaps) ? File.ReadLines(procSwaps).Skip(1).Select(l => l.Split(' ', 2)[0]).ToList() : [];
}
