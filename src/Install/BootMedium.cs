using CorralOS.Init.Storage;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// The CorralOS ISO (or a USB stick it was written to): the ISO9660 volume labelled CORRALOS, which carries the OS
/// image as images/os.tar for offline installs. Mounted read-only while the archive is read.
/// </summary>
public sealed class BootMedium : IDisposable
{
    public const string VolumeLabel = BootMediumVolume.Label;
    public const string ArchivePath = "images/os.tar";

    private BootMedium(string device, string mountPoint)
    {
        Device = device;
        MountPoint = mountPoint;
    }

    public string Device { get; }

    public string MountPoint { get; }

    public string Archive => Path.Combine(MountPoint, ArchivePath);

    public static BootMedium Mount(BlockDevices? devices = null)
    {
        var device = BootMediumVolume.Find(devices ?? new BlockDevices())
            ?? throw new InstallException($"no CorralOS boot medium (ISO9660 volume {VolumeLabel}) found to install from; give an image with -i");
        var mountPoint = Directory.CreateTempSubdirectory("ros-install-medium-").FullName;
        try
        {
            Mounts.Mount(device, mountPoint, "iso9660", MountFlags.ReadOnly);
        }
        catch (SystemCallException e)
        {
            Directory.Delete(mountPoint);
            throw new InstallException($"cannot mount the boot medium {device}: {e.Message}");
        }
        var medium = new BootMedium(device, mountPoint);
        if (!File.Exists(medium.Archive))
        {
            medium.Dispose();
            throw new InstallException($"the boot medium {device} has no /{ArchivePath}; give an image with -i");
        }
        return medium;
    }

    public void Dispose()
    {
        Mounts.Unmount(MountPoint, detach: true);
        Directory.Delete(MountPoint);
    }
}
