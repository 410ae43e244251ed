namespace CorralOS.Network;

/// <summary>What a DHCP lease says about DNS and the host name.</summary>
public sealed record DhcpLease(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Search, string? HostName)
{
    public static readonly DhcpLease None = new([], [], null);
}
