namespace CorralOS.Network;

/// <summary>What a DHCP lease says about DNS and the host name (dhcpcd's variable names).</summary>
public sealed record DhcpLease(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Search, string? HostName)
{
    public static readonly DhcpLease None = new([], [], null);

    /// <summary>Reads `dhcpcd -U` output: one name=value a line, lists separated by spaces; IPv4 and DHCPv6 alike.</summary>
    public static DhcpLease Parse(string dump)
    {
        var nameservers = new List<string>();
        var search = new List<string>();
        string? hostName = null;
        foreach (var line in dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            var value = line[(equals + 1)..].Trim('\'', '"');
            var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (line[..equals])
            {
                case "domain_name_servers" or "dhcp6_name_servers":
                    nameservers.AddRange(words);
                    break;
                case "domain_search" or "dhcp6_domain_search" or "domain_name":
                    search.AddRange(words);
                    break;
                case "host_name" when value.Length > 0:
                    hostName ??= value;
                    break;
            }
        }
        return new DhcpLease([.. nameservers.Distinct(StringComparer.Ordinal)], [.. search.Distinct(StringComparer.Ordinal)], hostName);
    }
}
