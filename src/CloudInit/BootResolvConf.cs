using System.Text;
using CorralOS.Linux;
using CorralOS.Network;

namespace CorralOS.CloudInit;

/// <summary>
/// PID 1's own /etc/resolv.conf for the boot-time fetch: a cloud-config-url or url: with a host name needs a
/// resolver before the network service exists. The nameservers are rancher.network.dns.nameservers when set, else
/// those of the oneshot lease (<see cref="MetadataLink"/>), as netconf chooses them. The network service rewrites
/// the same file when it applies (netconf), so this one only lives until then; without nameservers it is left alone.
/// </summary>
public sealed class BootResolvConf(string path = "/etc/resolv.conf")
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes the file; returns a line saying what it holds, or null when there is no nameserver to write.</summary>
    public string? Write(IReadOnlyList<string> configured, IReadOnlyList<string> configuredSearch, DhcpLease? lease, string link)
    {
        var (nameservers, source) = configured.Count > 0
            ? (configured, "rancher.network.dns")
            : (lease?.Nameservers ?? [], $"the DHCP lease of {link}");
        if (nameservers.Count == 0)
        {
            return null;
        }
        var search = configuredSearch.Count > 0 ? configuredSearch : lease?.Search ?? [];
        var text = new StringBuilder($"# Written by PID 1 from {source} for cloud-init; the network service rewrites it.\n");
        foreach (var server in nameservers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }
        if (search.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', search).Append('\n');
        }
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(text.ToString()), Readable);
        return $"{path}: nameserver {string.Join(' ', nameservers)} (from {source})";
    }
}
