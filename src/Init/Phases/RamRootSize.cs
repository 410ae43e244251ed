using System.Globalization;
using CorralOS.Linux;

namespace CorralOS.Init.Phases;

/// <summary>
/// The kernel unpacks the initrd into a tmpfs capped at half the RAM it saw then, and the initrd's own files count
/// against that cap: in a small machine (256 MB) they fill most of it, and the first container's writes get ENOSPC.
/// PID 1 gives the RAM root room for half the RAM besides the files it came with (tmpfs only caps; nothing is reserved).
/// </summary>
public static class RamRootSize
{
    /// <summary>The size (bytes) for a root holding <paramref name="usedBytes"/> on a machine with <paramref name="memTotalBytes"/>.</summary>
    public static long For(long usedBytes, long memTotalBytes) => usedBytes + memTotalBytes / 2;

    /// <summary>Resizes <paramref name="target"/> (/) when it is a RAM root (the initramfs's rootfs, or a tmpfs); returns what it did, or null when it is something else.</summary>
    public static string? Apply(string target = "/", string meminfo = "/proc/meminfo")
    {
        if (Mounts.Read().LastOrDefault(m => m.Target == target) is not { FileSystemType: "rootfs" or "tmpfs" })
        {
            return null;
        }
        var root = new DriveInfo(target);
        var used = root.TotalSize - root.TotalFreeSpace;
        var size = For(used, Engine.Host.HostFacts.MemTotalIn(meminfo));
        try
        {
            Mounts.Remount(target, MountFlags.None, "size=" + (size / 1024).ToString(CultureInfo.InvariantCulture) + "k");
        }
        // A kernel whose rootfs is ramfs (no size) refuses it: that root has no cap to lift, and the boot goes on.
        catch (SystemCallException e)
        {
            return $"RAM root not resized: {e.Message}";
        }
        return $"RAM root {used / (1024 * 1024)} MiB used of {new DriveInfo(target).TotalSize / (1024 * 1024)} MiB";
    }
}
