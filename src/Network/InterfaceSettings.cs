using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CorralOS.Config.Model;

namespace CorralOS.Network;

/// <summary>A VLAN an interface carries: its id and, when named ("200:foobar"), the link's name.</summary>
public sealed record VlanSpec(ushort Id, string? Name)
{
    /// <summary>The VLAN link's name on this parent: the given name, else parent.id (eth1.100).</summary>
    public string LinkName(string parent) => Name ?? $"{parent}.{Id}";
}

/// <summary>
/// One rancher.network.interfaces entry, checked: every value parsed so that applying it cannot fail on syntax.
/// <see cref="Parse"/> throws <see cref="NetworkConfigException"/> naming the entry and the field.
/// </summary>
public sealed record InterfaceSettings
{
    /// <summary>The entry's key in the config (what errors name).</summary>
    public required string Key { get; init; }

    /// <summary>What it matches: a name, a glob, or mac=&lt;mac or glob&gt; (the key unless match: is set).</summary>
    public required string Match { get; init; }

    public bool Dhcp { get; init; }

    /// <summary>The dhcpcd command line (dhcp_args split on spaces); empty for the default.</summary>
    public IReadOnlyList<string> DhcpArgs { get; init; } = [];

    public IReadOnlyList<InterfaceAddress> Addresses { get; init; } = [];

    public IPAddress? Gateway { get; init; }

    public IPAddress? GatewayIpv6 { get; init; }

    public int? Mtu { get; init; }

    /// <summary>bridge: true — this entry is a bridge to create.</summary>
    public bool IsBridge { get; init; }

    /// <summary>bridge: NAME — enslave this link to that bridge.</summary>
    public string? BridgeName { get; init; }

    public string? Bond { get; init; }

    public IReadOnlyDictionary<string, string> BondOpts { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<VlanSpec> Vlans { get; init; } = [];

    public IReadOnlyList<string> PreUp { get; init; } = [];

    public IReadOnlyList<string> PostUp { get; init; } = [];

    public bool MatchesMac => Match.StartsWith("mac=", StringComparison.OrdinalIgnoreCase);

    public bool IsExactName => !MatchesMac && !NameGlob.IsPattern(Match);

    public static InterfaceSettings Parse(string key, InterfaceConfig config)
    {
        var match = string.IsNullOrWhiteSpace(config.Match) ? key : config.Match.Trim();
        if (match.StartsWith("mac=", StringComparison.OrdinalIgnoreCase) && match.Length == 4)
        {
            throw new NetworkConfigException(key, "match", "mac= needs a MAC address or pattern");
        }
        var addresses = new List<InterfaceAddress>();
        if (!string.IsNullOrWhiteSpace(config.Address))
        {
            addresses.Add(ParseAddress(key, "address", config.Address));
        }
        foreach (var text in config.Addresses ?? [])
        {
            addresses.Add(ParseAddress(key, "addresses", text));
        }
        if (config.Mtu is { } mtu && mtu is < 68 or > 65535)
        {
            throw new NetworkConfigException(key, "mtu", $"{mtu} is not between 68 and 65535");
        }
        var bridge = config.Bridge?.Trim();
        var isBridge = bridge is "true" or "True" or "yes";
        return new InterfaceSettings
        {
            Key = key,
            Match = match,
            Dhcp = config.Dhcp is true,
            DhcpArgs = config.DhcpArgs?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            Addresses = addresses,
            Gateway = ParseGateway(key, "gateway", config.Gateway, AddressFamily.InterNetwork),
            GatewayIpv6 = ParseGateway(key, "gateway_ipv6", config.GatewayIpv6, AddressFamily.InterNetworkV6),
            Mtu = config.Mtu,
            IsBridge = isBridge,
            BridgeName = isBridge || bridge is null or "" or "false" or "False" or "no" ? null : CheckName(key, "bridge", bridge),
            Bond = string.IsNullOrWhiteSpace(config.Bond) ? null : CheckName(key, "bond", config.Bond.Trim()),
            BondOpts = config.BondOpts ?? new Dictionary<string, string>(),
            Vlans = ParseVlans(key, config.Vlans),
            PreUp = config.PreUp ?? [],
            PostUp = config.PostUp ?? [],
        };
    }

    private static InterfaceAddress ParseAddress(string key, string field, string text) =>
        InterfaceAddress.TryParse(text.Trim(), out var address)
            ? address
            : throw new NetworkConfigException(key, field, $"'{text}' is not an address with a prefix length (10.1.0.41/24, 2001:db8::5/64)");

    private static IPAddress? ParseGateway(string key, string field, string? text, AddressFamily family)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!IPAddress.TryParse(text.Trim(), out var gateway) || gateway.AddressFamily != family
            || (family == AddressFamily.InterNetwork && text.Count('.') != 3))
        {
            var kind = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
            throw new NetworkConfigException(key, field, $"'{text}' is not an {kind} address");
        }
        return gateway;
    }

    private static List<VlanSpec> ParseVlans(string key, string? text)
    {
        var vlans = new List<VlanSpec>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return vlans;
        }
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var idText = colon < 0 ? item : item[..colon];
            if (!ushort.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id is 0 or > 4094)
            {
                throw new NetworkConfigException(key, "vlans", $"'{item}' is not a VLAN id from 1 to 4094 (with :name optionally)");
            }
            vlans.Add(new VlanSpec(id, colon < 0 ? null : CheckName(key, "vlans", item[(colon + 1)..])));
        }
        return vlans;
    }

    /// <summary>Linux link names: 1 to 15 bytes, no '/', ':' or whitespace.</summary>
    internal static string CheckName(string key, string field, string name)
    {
        if (name.Length is 0 or > 15 || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || c > 127) || name is "." or "..")
        {
            throw new NetworkConfigException(key, field, $"'{name}' is not a valid interface name (1 to 15 characters, no '/', ':' or spaces)");
        }
        return name;
    }
}
