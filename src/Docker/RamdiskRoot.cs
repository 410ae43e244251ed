namespace CorralOS.Docker;

/// <summary>
/// Whether this mount namespace's root is the initramfs (rootfs) under the container's own root. CorralOS's PID 1 runs
/// from the initramfs, so System Docker starts its containers with crun --no-pivot (a moved mount and a chroot), and
/// pivot_root fails in them too: runc then needs DOCKER_RAMDISK=true to do the same for User Docker's containers, as
/// RancherOS set it when /var/lib/docker was on rootfs.
/// </summary>
public static class RamdiskRoot
{
    public const string Variable = "DOCKER_RAMDISK";

    /// <summary>True when a line of /proc/self/mountinfo mounts rootfs on /.</summary>
    public static bool IsUnder(string mountInfo)
    {
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "36 35 98:0 / /mnt1 rw,noatime master:1 - ext3 /dev/root rw": the mount point is field 5, the type
            // follows the " - " separator.
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 4 && separator + 1 < fields.Length && fields[4] == "/" && fields[separator + 1] == "rootfs")
            {
                return true;
            }
        }
        return false;
    }
}
