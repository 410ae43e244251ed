namespace CorralOS.Config.Model;

/// <summary>Resolver settings written to /etc/resolv.conf.</summary>
public sealed class DnsConfig
{
    public List<string>? Nameservers { get; set; }

    public List<string>? Search { get; set; }
}
