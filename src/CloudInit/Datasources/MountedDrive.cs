using CorralOS.Linux;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// A drive's files as a directory: a directory is used as it is (tests, a drive mounted by someone else); a block
/// device is mounted read-only (ISO9660, vfat, then ext4: like RancherOS, any filesystem with the label) and a 9p tag over virtio, each in a fresh directory that
/// <see cref="Dispose"/> unmounts and removes.
/// </summary>
internal sealed class MountedDrive : IDisposable
{
    private readonly bool _mounted;

    private MountedDrive(string path, bool mounted)
    {
        Path = path;
        _mounted = mounted;
    }

    public string Path { get; }

    /// <summary>Tried in this order; the kernel refuses the ones that do not match the drive.</summary>
    public static IReadOnlyList<string> FileSystemTypes { get; } = ["iso9660", "vfat", "ext4"];

    public static MountedDrive Directory(string path) => new(path, mounted: false);

    public static MountedDrive Device(string device, string mountDirectory, string source)
    {
        var target = CreateTarget(mountDirectory, System.IO.Path.GetFileName(device));
        var failures = new List<string>();
        foreach (var type in FileSystemTypes)
        {
            try
            {
                Mounts.Mount(device, target, type, MountFlags.ReadOnly | MountFlags.NoDev | MountFlags.NoSuid | MountFlags.NoExec);
                return new MountedDrive(target, mounted: true);
            }
            catch (SystemCallException e)
            {
                failures.Add($"{type}: {e.Message}");
            }
        }
        System.IO.Directory.Delete(target);
        throw new DatasourceException(source, $"{device}: cannot mount read-only ({string.Join("; ", failures)})");
    }

    public static MountedDrive NinePTag(string tag, string mountDirectory, string source)
    {
        var target = CreateTarget(mountDirectory, tag);
        try
        {
            Mounts.Mount(tag, target, "9p", MountFlags.ReadOnly | MountFlags.NoDev | MountFlags.NoSuid | MountFlags.NoExec, "trans=virtio,version=9p2000.L");
            return new MountedDrive(target, mounted: true);
        }
        catch (SystemCallException e)
        {
            System.IO.Directory.Delete(target);
            throw new DatasourceException(source, $"9p tag {tag}: {e.Message}", e);
        }
    }

    /// <summary>True when a virtio 9p device with this mount tag exists (/sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag).</summary>
    public static bool HasNinePTag(string sysRoot, string tag)
    {
        var driver = System.IO.Path.Combine(sysRoot, "bus/virtio/drivers/9pnet_virtio");
        if (!System.IO.Directory.Exists(driver))
        {
            return false;
        }
        foreach (var device in System.IO.Directory.EnumerateDirectories(driver))
        {
            var file = System.IO.Path.Combine(device, "mount_tag");
            if (File.Exists(file) && File.ReadAllText(file).TrimEnd('\0', '\n', ' ') == tag)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            // Lazy detach: a reader still holding a file must not leave the drive mounted for good.
            Mounts.Unmount(Path, detach: true);
            System.IO.Directory.Delete(Path);
        }
    }

    private static string CreateTarget(string mountDirectory, string name)
    {
        System.IO.Directory.CreateDirectory(mountDirectory);
        var target = System.IO.Path.Combine(mountDirectory, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        System.IO.Directory.CreateDirectory(target);
        return target;
    }
}
