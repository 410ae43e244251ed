namespace CorralOS.Config.Model;

/// <summary>One <c>rancher.network.interfaces</c> entry.</summary>
public sealed class InterfaceConfig
{
    /// <summary>Overrides the entry's key as the name/glob/mac match.</summary>
    public string? Match { get; set; }

    public bool? Dhcp { get; set; }

    public string? DhcpArgs { get; set; }

    public string? Address { get; set; }

    public List<string>? Addresses { get; set; }

    public bool? Ipv4ll { get; set; }

    public string? Gateway { get; set; }

    public string? GatewayIpv6 { get; set; }

    public int? Mtu { get; set; }

    /// <summary>"true" makes this interface a bridge; a name enslaves it to that bridge.</summary>
    public string? Bridge { get; set; }

    public string? Bond { get; set; }

    public Dictionary<string, string>? BondOpts { get; set; }

    /// <summary>"100,200:foobar" makes eth1.100 and foobar.</summary>
    public string? Vlans { get; set; }

    public List<string>? PreUp { get; set; }

    public List<string>? PostUp { get; set; }

    public string? WifiNetwork { get; set; }
}
