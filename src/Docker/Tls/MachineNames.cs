using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace CorralOS.Docker.Tls;

/// <summary>
/// The names a server certificate made at boot answers to: the host name, localhost, 127.0.0.1 and every address of
/// this machine's interfaces (the docker container shares the host's network namespace).
/// </summary>
public static class MachineNames
{
    public static IEnumerable<string> Current()
    {
        var names = new List<string>();
        var hostName = Environment.MachineName;
        if (!string.IsNullOrWhiteSpace(hostName))
        {
            names.Add(hostName);
        }
        names.Add("localhost");
        names.Add("127.0.0.1");
        foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var address in network.GetIPProperties().UnicastAddresses)
            {
                // Link-local IPv6 needs a zone to be dialled; a certificate cannot name one.
                if (address.Address.AddressFamily == AddressFamily.InterNetwork
                    || (address.Address.AddressFamily == AddressFamily.InterNetworkV6 && !address.Address.IsIPv6LinkLocal))
                {
                    names.Add(address.Address.ToString());
                }
            }
        }
        return names.Distinct(StringComparer.OrdinalIgnoreCase);
    }
}
