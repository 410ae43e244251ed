using System.Net;
using System.Net.Sockets;

namespace CorralOS.CloudInit.Formats;

/// <summary>
/// Builds a rancher.network tree (reference §3.4): interfaces keyed by name or mac=&lt;mac&gt; with address(es),
/// gateway, mtu, dhcp, bond; and dns nameservers/search. Plain maps and lists, as the config loader merges them.
/// </summary>
internal sealed class NetworkTree
{
    private readonly Dictionary<string, Dictionary<string, object?>> _interfaces = new(StringComparer.Ordinal);
    private readonly List<object?> _nameservers = [];
    private readonly List<object?> _search = [];

    /// <summary>The entry for <paramref name="key"/>, created on first use, in insertion order.</summary>
    public Dictionary<string, object?> Interface(string key)
    {
        if (!_interfaces.TryGetValue(key, out var entry))
        {
            entry = new Dictionary<string, object?>(StringComparer.Ordinal);
            _interfaces[key] = entry;
        }
        return entry;
    }

    public static void AddAddress(Dictionary<string, object?> entry, string cidr)
    {
        if (entry.GetValueOrDefault("addresses") is not List<object?> list)
        {
            list = [];
            entry["addresses"] = list;
        }
        if (!list.Contains(cidr))
        {
            list.Add(cidr);
        }
    }

    /// <summary>Sets gateway or gateway_ipv6 by the address family, the first one given wins.</summary>
    public static void SetGateway(Dictionary<string, object?> entry, string? gateway)
    {
        if (string.IsNullOrEmpty(gateway) || !IPAddress.TryParse(gateway, out var address))
        {
            return;
        }
        entry.TryAdd(address.AddressFamily == AddressFamily.InterNetworkV6 ? "gateway_ipv6" : "gateway", gateway);
    }

    public void AddNameservers(IEnumerable<string>? servers) => AddDistinct(_nameservers, servers);

    public void AddSearch(IEnumerable<string>? domains) => AddDistinct(_search, domains);

    /// <summary>The tree, or null when the platform described nothing.</summary>
    public Dictionary<string, object?>? Build()
    {
        if (_interfaces.Count == 0 && _nameservers.Count == 0 && _search.Count == 0)
        {
            return null;
        }
        var network = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (_interfaces.Count > 0)
        {
            network["interfaces"] = _interfaces.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        }
        if (_nameservers.Count > 0 || _search.Count > 0)
        {
            var dns = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (_nameservers.Count > 0)
            {
                dns["nameservers"] = _nameservers;
            }
            if (_search.Count > 0)
            {
                dns["search"] = _search;
            }
            network["dns"] = dns;
        }
        return network;
    }

    /// <summary>address/prefix from an address and a dotted (or IPv6) netmask or prefix; an address that already has /n is kept.</summary>
    public static string? Cidr(string? address, string? netmask)
    {
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }
        if (address.Contains('/', StringComparison.Ordinal))
        {
            return address;
        }
        if (string.IsNullOrEmpty(netmask))
        {
            return IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? address + "/64" : address + "/32";
        }
        return PrefixLength(netmask) is { } prefix ? $"{address}/{prefix}" : null;
    }

    /// <summary>255.255.255.0 → 24; "24" → 24; null when it is not a contiguous mask.</summary>
    public static int? PrefixLength(string netmask)
    {
        if (int.TryParse(netmask, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var plain))
        {
            return plain <= 128 ? plain : null;
        }
        if (!IPAddress.TryParse(netmask, out var mask))
        {
            return null;
        }
        var bits = 0;
        var ended = false;
        foreach (var b in mask.GetAddressBytes())
        {
            for (var i = 7; i >= 0; i--)
            {
                var set = (b >> i & 1) == 1;
                if (set && ended)
                {
                    return null;
                }
                if (set)
                {
                    bits++;
                }
                else
                {
                    ended = true;
                }
            }
        }
        return bits;
    }

    private static void AddDistinct(List<object?> list, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            if (!string.IsNullOrWhiteSpace(value) && !list.Contains(value.Trim()))
            {
                list.Add(value.Trim());
            }
        }
    }
}
