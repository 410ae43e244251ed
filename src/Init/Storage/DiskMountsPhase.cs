using CorralOS.Config;
using CorralOS.Linux;

namespace CorralOS.Init.Storage;

/// <summary>
/// The cloud-config `mounts:` list, fstab-like: [device, mount point, type, options] per entry, the device
/// by path, LABEL= or UUID=; type `swap` turns the device on as swap. Mounted in the host's namespace, so
/// system containers that bind the directory see it. A bad entry is reported and the others still mount.
/// </summary>
public sealed class DiskMountsPhase : IBootPhase
{
    private readonly BlockDevices _devices;

    public DiskMountsPhase(BlockDevices? devices = null) => _devices = devices ?? new BlockDevices();

    public string Name => "disk-mounts";

    public bool Required => false;

    public string Run(BootContext context)
    {
        if (ConfigTree.Get(context.Config, "mounts") is not IReadOnlyList<object?> entries || entries.Count == 0)
        {
            return "none configured";
        }
        var done = new List<string>();
        var failed = new List<string>();
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                done.Add(Apply(entries[i], i));
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                failed.Add(e.Message);
            }
        }
        if (failed.Count > 0)
        {
            throw new IOException($"{string.Join(", ", done.DefaultIfEmpty("nothing"))} mounted, but: {string.Join("; ", failed)}");
        }
        return string.Join(", ", done);
    }

    private string Apply(object? entry, int index)
    {
        var fields = entry is IReadOnlyList<object?> list ? list.Select(f => Convert.ToString(f, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList() : null;
        if (fields is null || fields.Count < 3)
        {
            throw new ArgumentException($"mounts[{index}]: expected [device, mount point, type, options]");
        }
        var (spec, target, type) = (fields[0], fields[1], fields[2]);
        var device = _devices.Resolve(spec) ?? throw new IOException($"mounts[{index}]: device {spec} not found");
        if (type == "swap")
        {
            if (!Swap.Active().Contains(device))
            {
                Swap.On(device);
            }
            return $"{device} as swap";
        }
        if (!target.StartsWith('/'))
        {
            throw new ArgumentException($"mounts[{index}]: mount point '{target}' is not an absolute path");
        }
        var options = MountOptions.Parse(fields.Count > 3 ? fields[3] : "");
        Directory.CreateDirectory(target);
        Mounts.Mount(device, target, type.Length == 0 || type == "auto" ? FileSystemProbe.Probe(device)?.Type ?? "ext4" : type,
            options.Flags, options.Data.Length == 0 ? null : options.Data);
        return $"{device} on {target}";
    }
}
