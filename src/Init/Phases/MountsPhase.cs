using CorralOS.Linux;

namespace CorralOS.Init.Phases;

/// <summary>The API filesystems every later step expects, with cgroup v2 only (unified hierarchy).</summary>
public sealed class MountsPhase : IBootPhase
{
    private const MountFlags Strict = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec;

    internal static readonly IReadOnlyList<(string Source, string Target, string Type, MountFlags Flags, string? Data)> Table =
    [
        ("proc", "/proc", "proc", Strict, null),
        ("sysfs", "/sys", "sysfs", Strict, null),
        ("devtmpfs", "/dev", "devtmpfs", MountFlags.NoSuid, "mode=0755"),
        ("devpts", "/dev/pts", "devpts", MountFlags.NoSuid | MountFlags.NoExec, "gid=5,mode=0620,ptmxmode=0666"),
        ("tmpfs", "/dev/shm", "tmpfs", MountFlags.NoSuid | MountFlags.NoDev, "mode=1777"),
        ("tmpfs", "/run", "tmpfs", MountFlags.NoSuid | MountFlags.NoDev, "mode=0755"),
        ("tmpfs", "/tmp", "tmpfs", MountFlags.NoSuid | MountFlags.NoDev, "mode=1777"),
        ("cgroup2", "/sys/fs/cgroup", "cgroup2", Strict, "nsdelegate"),
    ];

    public string Name => "mounts";

    public bool Required => true;

    public string Run(BootContext context)
    {
        var mounted = 0;
        foreach (var (source, target, type, flags, data) in Table)
        {
            // /proc is not there yet for the first check; an empty table means nothing is mounted.
            var table = File.Exists("/proc/self/mounts") ? Mounts.Read() : [];
            if (table.Any(m => m.Target == target))
            {
                continue;
            }
            Directory.CreateDirectory(target);
            Mounts.Mount(source, target, type, flags, data);
            mounted++;
        }
        LinkStandardDevices();
        return RamRootSize.Apply() is { } root ? $"{mounted} filesystems, {root}" : $"{mounted} filesystems";
    }

    // Shells and tools expect these; devtmpfs does not create them.
    private static void LinkStandardDevices()
    {
        foreach (var (link, target) in new[] { ("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1"), ("/dev/stderr", "/proc/self/fd/2") })
        {
            if (!Path.Exists(link))
            {
                File.CreateSymbolicLink(link, target);
            }
        }
    }
}
