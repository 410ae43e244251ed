using CorralOS.CloudInit.Datasources;

namespace CorralOS.CloudInit;

/// <summary>
/// Datasources from rancher.cloud_init.datasources specs, name[:root] as RancherOS wrote them: configdrive[:dir],
/// nocloud[:dir], proxmox[:dir or device], file:path, url:URL, cmdline, ec2[:base URL], gce, digitalocean[:base URL], packet[:base URL],
/// openstack[:base URL], vmware; * is every drive and cloud source.
/// </summary>
public static class DatasourceFactory
{
    /// <summary>What * stands for (RancherOS's list, with CorralOS's NoCloud and OpenStack metadata service).</summary>
    public static IReadOnlyList<string> All { get; } = ["configdrive", "nocloud", "vmware", "ec2", "digitalocean", "packet", "gce", "openstack", "proxmox"];

    /// <summary>Sources that need the network (a longer wait is worth it for them).</summary>
    public static bool IsNetworkSource(string spec) => Split(spec).Kind is "url" or "cmdline" or "ec2" or "gce" or "digitalocean" or "packet" or "openstack";

    /// <summary>The spec itself, or what * stands for.</summary>
    public static IEnumerable<string> Expand(string spec) => spec.Trim() == "*" ? All : [spec.Trim()];

    /// <summary>True when any of the specs (* included) needs the network.</summary>
    public static bool NeedsNetwork(IEnumerable<string> specs) => specs.SelectMany(Expand).Any(IsNetworkSource);

    /// <summary>The datasources for <paramref name="specs"/> in order (duplicates once); unknown or unsupported specs are reported in <paramref name="problems"/>.</summary>
    public static IReadOnlyList<IDatasource> Create(IEnumerable<string> specs, CloudInitOptions options, HttpClient http, ICollection<string> problems)
    {
        var sources = new List<IDatasource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs.SelectMany(Expand))
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
            "packet" => new PacketDatasource(spec, BaseUrl(root) ?? endpoints.Packet, http, timeout),
            "openstack" => new OpenStackDatasource(spec, BaseUrl(root) ?? endpoints.OpenStack, http, timeout),
            "vmware" => new VmwareDatasource(spec, new GuestInfo(options.VmwareRpctool, timeout), http, timeout),
            _ => null,
        };
    }

    private static string Unsupported(string kind) => kind switch
    {
        "file" => "needs a path (file:/path)",
        "url" => "needs an http or https URL (url:http://...)",
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
