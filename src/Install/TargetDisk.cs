using System.Globalization;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// The whole disk `ros install -d` names, seen through sysfs: its partitions, their device nodes, and whether anything
/// uses it. Anything mounted (in this mount namespace or PID 1's), used as swap, held by another device or opened
/// exclusively makes it refused.
/// </summary>
public sealed class TargetDisk
{
    private readonly string _sysBlock;
    private readonly string _devRoot;

    private TargetDisk(string device, string name, string sysBlock, string devRoot)
    {
        Device = device;
        Name = name;
        _sysBlock = sysBlock;
        _devRoot = devRoot;
    }

    /// <summary>The device node, symlinks (/dev/disk/by-id/...) resolved.</summary>
    public string Device { get; }

    /// <summary>The kernel's name for it (vda, sda, nvme0n1).</summary>
    public string Name { get; }

    /// <summary>Checks that <paramref name="device"/> is a whole disk the kernel knows.</summary>
    public static TargetDisk Open(string device, string sysBlock = "/sys/class/block", string devRoot = "/dev")
    {
        if (!File.Exists(device))
        {
            throw new InstallException($"{device} does not exist");
        }
        var resolved = new FileInfo(device).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? device;
        var name = Path.GetFileName(resolved);
        if (!File.Exists(Path.Combine(sysBlock, name, "dev")))
        {
            throw new InstallException($"{device} is not a block device");
        }
        if (File.Exists(Path.Combine(sysBlock, name, "partition")))
        {
            throw new InstallException($"{device} is a partition; give the whole disk (ros install -d /dev/{WholeDiskOf(sysBlock, name)})");
        }
        return new TargetDisk(resolved, name, sysBlock, devRoot);
    }

    /// <summary>The node of partition <paramref name="number"/>: vda3, nvme0n1p3.</summary>
    public string PartitionPath(int number) =>
        Path.Combine(_devRoot, (char.IsAsciiDigit(Name[^1]) ? Name + "p" : Name) + number.ToString(CultureInfo.InvariantCulture));

    /// <summary>The kernel's names of the disk's partitions now.</summary>
    public IReadOnlyList<string> PartitionNames() =>
        Directory.Exists(Path.Combine(_sysBlock, Name))
            ? Directory.EnumerateDirectories(Path.Combine(_sysBlock, Name))
                .Where(d => File.Exists(Path.Combine(d, "partition")))
                .Select(d => Path.GetFileName(d))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>Throws with the reason when the disk or one of its partitions is in use.</summary>
    public void EnsureUnused(IEnumerable<string>? mountTables = null)
    {
        var names = PartitionNames().Prepend(Name).ToList();
        // A partition's directory is inside its disk's: /sys/class/block/vda/vda3.
        string SysDirectory(string name) => name == Name ? Path.Combine(_sysBlock, Name) : Path.Combine(_sysBlock, Name, name);
        var numbers = names.ToDictionary(n => File.ReadAllText(Path.Combine(SysDirectory(n), "dev")).Trim(), n => n);
        foreach (var table in mountTables ?? ["/proc/self/mountinfo", "/proc/1/mountinfo"])
        {
            if (FindMount(table, numbers) is { } mounted)
            {
                throw new InstallException($"{Device} is in use: /dev/{mounted.Name} is mounted at {mounted.Target}");
            }
        }
        foreach (var name in names)
        {
            var holders = Path.Combine(SysDirectory(name), "holders");
            if (Directory.Exists(holders) && Directory.EnumerateFileSystemEntries(holders).FirstOrDefault() is { } holder)
            {
                throw new InstallException($"{Device} is in use: /dev/{name} is held by {Path.GetFileName(holder)}");
            }
        }
        if (File.Exists("/proc/swaps") && File.ReadLines("/proc/swaps").Skip(1).Select(l => l.Split(' ', 2)[0])
                .FirstOrDefault(s => names.Contains(Path.GetFileName(s))) is { } swap)
        {
            throw new InstallException($"{Device} is in use: {swap} is a swap device");
        }
        if (ExclusiveOpen.IsBusy(Device))
        {
            throw new InstallException($"{Device} is in use (another program holds it open)");
        }
    }

    // mountinfo's third field is the mounted device's major:minor, whatever name it was mounted by.
    private static (string Name, string Target)? FindMount(string table, Dictionary<string, string> numbers)
    {
        if (!File.Exists(table))
        {
            return null;
        }
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadAllLines(table);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && numbers.TryGetValue(fields[2], out var name))
            {
                return (name, fields[4]);
            }
        }
        return null;
    }

    // /sys/class/block/vda3 links to .../block/vda/vda3: the parent directory is the disk.
    private static string WholeDiskOf(string sysBlock, string partition) =>
        new DirectoryInfo(Path.Combine(sysBlock, partition)).ResolveLinkTarget(returnFinalTarget: true) is DirectoryInfo { Parent: { } parent } ? parent.Name : partition;
}
