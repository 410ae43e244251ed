using CorralOS.CloudInit;
using CorralOS.CloudInit.Resize;
using CorralOS.Config;
using CorralOS.Init.Storage;

namespace CorralOS.Init.Phases;

/// <summary>
/// cloud-init-save at boot. Config drives (configdrive, NoCloud, proxmox), files and VMware guestinfo are read as
/// they are: drivers are coldplugged by now, so a short wait is enough. When a listed source needs the network (ec2,
/// gce, digitalocean, packet, openstack, url:, cmdline) eth0 is leased first with a oneshot dhcpcd (bounded), as
/// RancherOS applied its network config before saving; the lease stays for the network service to take over, and its
/// DNS servers (or rancher.network.dns.nameservers) go into PID 1's resolv.conf (<see cref="BootResolvConf"/>). When a
/// source answered, the configuration is loaded again so its user data (hostname, keys, rancher.*) applies to the
/// rest of the boot. Then rancher.resize_device is grown, once (<see cref="DiskResize"/>).
/// </summary>
public sealed class CloudInitPhase : IBootPhase
{
    private static readonly TimeSpan s_localWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_leaseWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_networkWait = TimeSpan.FromSeconds(30);
    private readonly ConfigPaths _paths;
    private readonly BlockDevices _devices;
    private readonly MetadataLink _link;
    private readonly DiskResize _resize;
    private readonly BootResolvConf _resolvConf;

    public CloudInitPhase(ConfigPaths? paths = null, BlockDevices? devices = null, MetadataLink? link = null, DiskResize? resize = null, BootResolvConf? resolvConf = null)
    {
        _resolvConf = resolvConf ?? new BootResolvConf();
        _paths = paths ?? new ConfigPaths();
        _devices = devices ?? new BlockDevices();
        _link = link ?? new MetadataLink();
        _resize = resize ?? new DiskResize();
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
        var detail = Save(context);
        Resize(context);
        return detail;
    }

    // rancher.resize_device, from the config or the metadata just saved: grown once, after a disk was made larger.
    private void Resize(BootContext context)
    {
        if (ConfigTree.GetString(context.Config, "rancher.resize_device") is not { Length: > 0 } device)
        {
            return;
        }
        try
        {
            context.Warnings.Add("resize: " + _resize.RunAsync(device, DiskResize.DefaultStamp, CancellationToken.None).GetAwaiter().GetResult());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Warnings.Add($"problem: resize: {e.Message}");
        }
    }

    // A URL with a host name (cloud-config-url=http://name/...) needs DNS now; the network service rewrites the file later.
    private void Resolver(BootContext context)
    {
        try
        {
            if (_resolvConf.Write(ConfigTree.GetStrings(context.Config, "rancher.network.dns.nameservers"),
                    ConfigTree.GetStrings(context.Config, "rancher.network.dns.search"), _link.Lease(MetadataLink.DefaultLink), MetadataLink.DefaultLink) is { } line)
            {
                context.Warnings.Add(line);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Warnings.Add($"problem: resolv.conf: {e.Message}");
        }
    }

    private string Save(BootContext context)
    {
        var specs = CloudInitSave.Datasources(context.Config, "/sys");
        if (DatasourceFactory.NeedsNetwork(specs))
        {
            try
            {
                context.Warnings.Add(_link.UpAsync(MetadataLink.DefaultLink, s_leaseWait, CancellationToken.None).GetAwaiter().GetResult());
                Resolver(context);
            }
            catch (IOException e)
            {
                context.Warnings.Add($"problem: {e.Message}; only local datasources are probed");
                specs = [.. specs.SelectMany(DatasourceFactory.Expand).Where(s => !DatasourceFactory.IsNetworkSource(s))];
            }
        }
        if (specs.Count == 0)
        {
            return "no local datasource";
        }
        var network = DatasourceFactory.NeedsNetwork(specs);
        // As RancherOS: config-drive sources with no such drive present are skipped without waiting.
        // Coldplug has run, so a drive that is there has appeared by now.
        if (!network && specs.All(IsAbsentDrive) && !AnyConfigDrive())
        {
            return "no config drive (label config-2 or cidata, or 9p tag config-2)";
        }

        var report = CloudInitSave.RunAsync(specs, new CloudInitOptions
        {
            Paths = _paths,
            FindDeviceByLabel = label => _devices.Resolve("LABEL=" + label),
            SelectTimeout = network ? s_networkWait : s_localWait,
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
