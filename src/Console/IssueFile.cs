using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;

namespace CorralOS.Console;

/// <summary>
/// Step 6: /etc/issue, which getty prints above the login prompt: the banner, then each interface's addresses
/// (what to ssh to), as the console saw them when it started.
/// </summary>
public static class IssueFile
{
    public static string Render(string version, IEnumerable<(string Interface, string Address)> addresses)
    {
        var text = new StringBuilder();
        text.Append("CorralOS ").Append(version).Append(" \\n \\l\n\n");
        foreach (var (name, address) in addresses)
        {
            text.Append(name).Append(": ").Append(address).Append('\n');
        }
        return text.Append('\n').ToString();
    }

    /// <summary>IPv4 and global IPv6 addresses of every interface that is up, loopback excepted.</summary>
    public static IReadOnlyList<(string Interface, string Address)> CurrentAddresses()
    {
        var result = new List<(string, string)>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback || nic.OperationalStatus == OperationalStatus.Down)
            {
                continue;
            }
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.AddressFamily == AddressFamily.InterNetwork || address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv6LinkLocal)
                {
                    result.Add((nic.Name, address.ToString()));
                }
            }
        }
        return result;
    }
}
