using System.Text;

namespace CorralOS.Network;

/// <summary>
/// /etc/resolv.conf: the configured nameservers when rancher.network.dns.nameservers is set, else those DHCP gave,
/// else rancher.defaults.network.dns; search domains from the config, else from DHCP.
/// </summary>
internal static class ResolvConf
{
    public static string Render(IReadOnlyList<string> nameservers, IReadOnlyList<string> search, string source)
    {
        var text = new StringBuilder($"# Written by netconf from {source}; rewritten at every apply.\n");
        foreach (var server in nameservers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }
        if (search.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', search).Append('\n');
        }
        return text.ToString();
    }

    public static void Write(string path, string content) =>
        NetconfFile.Write(path, content);
}
