using CorralOS.CloudInit.Datasources;

namespace CorralOS.CloudInit;

/// <summary>
/// Datasources from rancher.cloud_init.datasources specs, name[:root] as RancherOS wrote them: configdrive[:dir],
/// nocloud[:dir], proxmox[:dir or device], file:path, url:URL, cmdline, ec2[:base URL], gce, digitalocean[:base URL], packet,
/// openstack[:base URL]; * is every drive and cloud source.
/// </summary>
public static class DatasourceFactory
{
    /// <summary>What * stands for (RancherOS's list, with CorralOS's NoCloud and OpenStack metadata service).</summary>
    public static IReadOnlyList<string> All { get; } = ["configdrive", "nocloud", "ec2", "digitalocean", "packet", "gce", "openstack", "proxmox"];

    /// <summary>Sources that need the network (a longer wait is worth it for them).</summary>
    public static bool IsNetworkSource(string spec) => Split(spec).Kind is "url" or "cmdline" or "ec2" or "gce" or "digitalocean" or "packet" or "openstack";

    /// <summary>The datasources for <paramref name="specs"/> in order (duplicates once); unknown or unsupported specs are reported in <paramref name="problems"/>.</summary>
    public static IReadOnlyList<IDatasource> Create(IEnumerable<string> specs, CloudInitOptions options, HttpClient http, ICollection<string> problems)
    {
        var sources = new List<IDatasource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs.SelectMany(s => s.Trim() == "*" ? All : [s.Trim()]))
        {
            if (spec.Length == 0 || !seen.Add(spec))
            {
                continue;
            }
            if (Create(spec, options, http) is { } source)
            {
                sources.Add(source);
            }
            else
            {
                problems.Add($"datasource {spec}: {Unsupported(Split(spec).Kind)}");
            }
        }
        return sources;
    }

    public static IDatasource? Create(string spec, CloudInitOptions options, HttpClient http)
    {
        var (kind, root) = Split(spec);
        var timeout = options.RequestTimeout;
        var endpoints = options.Endpoints;
        return kind switch
        {
            "configdrive" => new DriveDatasource(spec, DriveKind.ConfigDrive, root, options),
            "nocloud" => new DriveDatasource(spec, DriveKind.NoCloud, root, options),
            "proxmox" => new DriveDatasource(spec, DriveKind.Proxmox, root, options),
            "file" when root is { Length: > 0 } => new FileDatasource(spec, root),
            "url" when UrlDatasource.ParseUrl(root) is { } url => new UrlDatasource(spec, () => url, http, timeout),
            "cmdline" => new UrlDatasource(spec, () => CmdlineUrl.Read(options.Paths.Cmdline), http, timeout),
            "ec2" => new Ec2Datasource(spec, BaseUrl(root) ?? endpoints.Ec2, http, timeout),
            "gce" => new GceDatasource(spec, endpoints.Gce, http, timeout),
            "digitalocean" => new DigitalOceanDatasource(spec, BaseUrl(root) ?? endpoints.DigitalOcean, http, timeout),
            "packet" => new PacketDatasource(spec, endpoints.Packet, http, timeout),
            "openstack" => new OpenStackDatasource(spec, BaseUrl(root) ?? endpoints.OpenStack, http, timeout),
            _ => null,
        };
    }

    private static string Unsupported(string kind) => kind switch
    {
        "file" => "needs a path (file:/path)",
        "url" => "needs an http or https URL (url:http://...)",
        "vmware" => "not supported yet (guestinfo needs the VMware backdoor channel)",
        "tftp" or "aliyun" or "azure" or "cloudstack" or "exoscale" => "not supported by CorralOS",
        _ => "unknown datasource",
    };

    private static Uri? BaseUrl(string? root) =>
        UrlDatasource.ParseUrl(root) is { } url ? new Uri(url.ToString().TrimEnd('/') + "/") : null;

    private static (string Kind, string? Root) Split(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (spec, null) : (spec[..colon], spec[(colon + 1)..]);
    }
}
