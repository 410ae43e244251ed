namespace CorralOS.Init.Storage;

/// <summary>Block devices the kernel knows (/sys/class/block) and lookups by LABEL=, UUID= or path.</summary>
public sealed class BlockDevices
{
    private readonly string _sysRoot;
    private readonly string _devRoot;

    public BlockDevices(string sysRoot = "/sys", string devRoot = "/dev")
    {
        _sysRoot = sysRoot;
        _devRoot = devRoot;
    }

    /// <summary>Device nodes, whole disks before their partitions, in name order.</summary>
    public IReadOnlyList<string> List()
    {
        var dir = Path.Combine(_sysRoot, "class/block");
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return Directory.EnumerateFileSystemEntries(dir)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !name.StartsWith("ram", StringComparison.Ordinal) && !name.StartsWith("loop", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => Path.Combine(_devRoot, name))
            .Where(File.Exists)
            .ToList();
    }

    /// <summary>True when any device carries one of <paramref name="labels"/>; each device is probed once.</summary>
    public bool AnyLabelled(IReadOnlyCollection<string> labels) =>
        List().Any(d => FileSystemProbe.Probe(d)?.Label is { } label && labels.Contains(label));

    /// <summary>
    /// The other partitions of the disk <paramref name="partition"/> is on, in name order; none when it is a whole disk
    /// (a partition's directory is inside its disk's: /sys/class/block/vda/vda2, with a `partition` file).
    /// </summary>
    public IReadOnlyList<string> PartitionsBeside(string partition)
    {
        var name = Path.GetFileName(partition);
        var disk = List()
            .Select(Path.GetFileName)
            .OfType<string>()
            .FirstOrDefault(d => File.Exists(Path.Combine(_sysRoot, "class/block", d, name, "partition")));
        if (disk is null)
        {
            return [];
        }
        return Directory.EnumerateDirectories(Path.Combine(_sysRoot, "class/block", disk))
            .Where(d => File.Exists(Path.Combine(d, "partition")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(p => p != name)
            .Order(StringComparer.Ordinal)
            .Select(p => Path.Combine(_devRoot, p))
            .Where(File.Exists)
            .ToList();
    }

    /// <summary>The device a RancherOS-style spec names: LABEL=x, UUID=x or a path; null when none matches (yet).</summary>
    public string? Resolve(string spec)
    {
        if (spec.StartsWith("LABEL=", StringComparison.Ordinal))
        {
            var label = spec["LABEL=".Length..];
            return List().FirstOrDefault(d => FileSystemProbe.Probe(d)?.Label == label);
        }
        if (spec.StartsWith("UUID=", StringComparison.Ordinal))
        {
            var uuid = spec["UUID=".Length..];
            return List().FirstOrDefault(d => string.Equals(FileSystemProbe.Probe(d)?.Uuid, uuid, StringComparison.OrdinalIgnoreCase));
        }
        return File.Exists(spec) ? spec : null;
    }
}
