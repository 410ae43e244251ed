using CorralOS.CloudInit;
using CorralOS.Config;
using CorralOS.Init.Storage;

namespace CorralOS.Init.Phases;

/// <summary>
/// cloud-init-save at boot, for the sources PID 1 can reach by itself: config drives (configdrive, NoCloud,
/// proxmox) and files. Drivers are coldplugged by now, so a short wait is enough. Sources that need the network
/// are left to the network service, which PID 1 does not run; they are reported. When a source answered, the
/// configuration is loaded again so its user data (hostname, keys, rancher.*) applies to the rest of the boot.
/// </summary>
public sealed class CloudInitPhase : IBootPhase
{
    private static readonly TimeSpan s_localWait = TimeSpan.FromSeconds(2);
    private readonly ConfigPaths _paths;
    private readonly BlockDevices _devices;

    public CloudInitPhase(ConfigPaths? paths = null, BlockDevices? devices = null)
    {
        _paths = paths ?? new ConfigPaths();
        _devices = devices ?? new BlockDevices();
    }

    public string Name => "cloud-init";

    // configdrive, nocloud, proxmox, or one of them with a directory (configdrive:/media/config-2) that is not there.
    private static bool IsAbsentDrive(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? spec : spec[..colon];
        return kind is "configdrive" or "nocloud" or "proxmox"
            && (colon < 0 || !Directory.Exists(spec[(colon + 1)..]) || !Directory.EnumerateFileSystemEntries(spec[(colon + 1)..]).Any());
    }

    private static readonly string[] s_driveLabels = ["config-2", "CONFIG-2", "cidata", "CIDATA"];

    private bool AnyConfigDrive() => _devices.AnyLabelled(s_driveLabels) || NinePTags().Contains("config-2");

    private static IEnumerable<string> NinePTags()
    {
        const string devices = "/sys/bus/virtio/drivers/9pnet_virtio";
        return Directory.Exists(devices)
            ? Directory.EnumerateFileSystemEntries(devices, "virtio*")
                .Select(d => Path.Combine(d, "mount_tag"))
                .Where(File.Exists)
                .Select(f => File.ReadAllText(f).Trim('\0', '\n', ' '))
            : [];
    }

    public bool Required => false;

    public string Run(BootContext context)
    {
        var specs = CloudInitSave.Datasources(context.Config, "/sys");
        var local = specs.Where(s => !DatasourceFactory.IsNetworkSource(s)).ToList();
        foreach (var remote in specs.Except(local))
        {
            context.Warnings.Add($"datasource {remote} needs the network, which is not up during init: not probed");
        }
        if (local.Count == 0)
        {
            return "no local datasource";
        }
        // As RancherOS: config-drive sources with no such drive present are skipped without waiting.
        // Coldplug has run, so a drive that is there has appeared by now.
        if (local.All(IsAbsentDrive) && !AnyConfigDrive())
        {
            return "no config drive (label config-2 or cidata, or 9p tag config-2)";
        }

        var report = CloudInitSave.RunAsync(local, new CloudInitOptions
        {
            Paths = _paths,
            FindDeviceByLabel = label => _devices.Resolve("LABEL=" + label),
            SelectTimeout = s_localWait,
        }, CancellationToken.None).GetAwaiter().GetResult();

        context.Warnings.AddRange(report.Messages.Skip(1));
        context.Warnings.AddRange(report.Problems.Select(p => "problem: " + p));
        if (report.Datasource is null)
        {
            return report.Messages.FirstOrDefault() ?? "no datasource";
        }
        var config = ConfigPhase.Load(context, _paths);
        return $"datasource {report.Datasource}{(report.Failed ? " (not saved)" : "")}; config reloaded: {config}";
    }
}
