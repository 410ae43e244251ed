using CorralOS.Linux;

namespace CorralOS.Init.Storage;

/// <summary>
/// A separate RANCHER_BOOT partition (a noformat install onto a disk that has one, docs/install.md) holds the installed
/// /boot as its own /boot directory, where the disk's boot loader reads /boot/grub/grub.cfg. PID 1 binds that directory
/// over /state/boot, the path the upgrade, the rollback, the marking of a tried version and the system images file all
/// use, as RancherOS mounted RANCHER_BOOT at /boot. Only a RANCHER_BOOT on the state's own disk counts: noformat installs
/// onto one disk's partitions, and a RANCHER_BOOT elsewhere (another install's stick) is not what this disk boots from.
/// </summary>
public static class BootPartition
{
    public const string Label = "RANCHER_BOOT";

    /// <summary>Where the installed /boot is seen on a booted system.</summary>
    public static readonly string Target = Path.Combine(Persistence.StateMount, "boot");

    /// <summary>Where the partition is mounted for a moment, to bind its /boot directory from.</summary>
    private const string Staging = "/run/corralos-boot-partition";

    /// <summary>The RANCHER_BOOT partition on the disk of <paramref name="stateDevice"/>, or null.</summary>
    public static string? Find(BlockDevices devices, string stateDevice) =>
        devices.PartitionsBeside(stateDevice).FirstOrDefault(p => FileSystemProbe.Probe(p)?.Label == Label);

    /// <summary>
    /// Binds the /boot directory of the state disk's RANCHER_BOOT over <paramref name="target"/>: the line to print, or
    /// null when the disk has no RANCHER_BOOT. When it cannot be mounted the line says so and <paramref name="target"/>
    /// is left as it was (the state-only layout).
    /// </summary>
    public static string? MountOver(BlockDevices devices, string stateDevice, string? target = null, string staging = Staging)
    {
        target ??= Target;
        if (Find(devices, stateDevice) is not { } device)
        {
            return null;
        }
        var fstype = FileSystemProbe.Probe(device)?.Type ?? "ext4";
        try
        {
            Directory.CreateDirectory(staging);
            try
            {
                Mounts.Mount(device, staging, fstype, MountFlags.RelAtime);
                try
                {
                    // The bind holds the filesystem; the partition's own mount goes again, so /state/boot is its one
                    // mount, unmounted before /state at shutdown (the reverse of the mount order).
                    var boot = Directory.CreateDirectory(Path.Combine(staging, "boot")).FullName;
                    Directory.CreateDirectory(target);
                    Mounts.Bind(boot, target);
                }
                finally
                {
                    Mounts.Unmount(staging, detach: true);
                }
            }
            finally
            {
                Directory.Delete(staging);
            }
        }
        catch (Exception e) when (e is SystemCallException or IOException or UnauthorizedAccessException)
        {
            return $"cannot use {device} ({Label}, {fstype}) for /boot: {e.Message}; /boot stays on the state filesystem";
        }
        return $"{device} ({Label}, {fstype}) holds /boot: its /boot is bound at {target}";
    }
}
