using System.Text;

namespace CorralOS.Engine.Containers;

/// <summary>
/// A container's /etc/resolv.conf as Docker makes it: the host's, where `Dns` replaces the nameserver lines,
/// `DnsSearch` the search/domain lines ("." alone removes them) and `DnsOptions` the options lines.
/// </summary>
public static class ResolvConf
{
    public static bool Customised(HostConfig host) =>
        host.Dns is { Count: > 0 } || host.DnsSearch is { Count: > 0 } || host.DnsOptions is { Count: > 0 };

    public static string Build(string hostResolvConf, HostConfig host)
    {
        var dns = host.Dns ?? [];
        var search = host.DnsSearch ?? [];
        var options = host.DnsOptions ?? [];
        foreach (var server in dns)
        {
            if (!System.Net.IPAddress.TryParse(server, out _))
            {
                throw new InvalidArgumentException($"{server} is not an ip address");
            }
        }
        var text = new StringBuilder();
        foreach (var line in hostResolvConf.Split('\n'))
        {
            var keyword = line.TrimStart().Split([' ', '\t'], 2)[0];
            var replaced = keyword switch
            {
                "nameserver" => dns.Count > 0,
                "search" or "domain" => search.Count > 0,
                "options" => options.Count > 0,
                _ => false,
            };
            if (!replaced && line.Length > 0)
            {
                text.Append(line).Append('\n');
            }
        }
        foreach (var server in dns)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }
        if (search.Count > 0 && !(search.Count == 1 && search[0] == "."))
        {
            text.Append("search ").AppendJoin(' ', search).Append('\n');
        }
        if (options.Count > 0)
        {
            text.Append("options ").AppendJoin(' ', options).Append('\n');
        }
        return text.ToString();
    }
}
