namespace CorralOS.Config.Model;

/// <summary><c>rancher.network</c> (reference §3.4).</summary>
public sealed class NetworkConfig
{
    public DnsConfig? Dns { get; set; }

    /// <summary>Keyed by name, glob (eth*) or mac=&lt;mac&gt;.</summary>
    public Dictionary<string, InterfaceConfig>? Interfaces { get; set; }

    public string? HttpProxy { get; set; }

    public string? HttpsProxy { get; set; }

    public string? NoProxy { get; set; }

    public int? DhcpTimeout { get; set; }

    public List<string>? PreCmds { get; set; }

    public List<string>? PostCmds { get; set; }

    public Dictionary<string, WifiNetworkConfig>? WifiNetworks { get; set; }

    public Dictionary<string, ModemNetworkConfig>? ModemNetworks { get; set; }
}
