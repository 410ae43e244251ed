using System.Globalization;
using CorralOS.Network;

namespace CorralOS.CloudInit;

/// <summary>
/// Brings a link up far enough to reach a metadata service before the network service exists (reference §5.2
/// step 1: RancherOS applied its network config first). Debian's dhcpcd in oneshot mode leases an IPv4 address,
/// adds the subnet and default routes and exits, leaving them in place (-p) for the network service, whose own
/// dhcpcd takes the link over. No hooks run (the host name is the network service's; PID 1 writes its resolv.conf from the
/// lease file, <see cref="BootResolvConf"/>; the DNS options are asked for on the command line, since without a
/// /etc/dhcpcd.conf, which the initrd has none of, dhcpcd would not request them), no ARP
/// probe and no IPv4LL fallback: a link without DHCP gives up at the timeout instead of inventing an address.
/// </summary>
public sealed class MetadataLink
{
    // dhcpcd answers by itself at --timeout; past this margin it is stuck and is killed.
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(10);

    private readonly string _dhcpcd;
    private readonly string _leaseDirectory;

    public MetadataLink(string dhcpcd = "/usr/sbin/dhcpcd", string leaseDirectory = "/var/lib/dhcpcd")
    {
        _dhcpcd = dhcpcd;
        _leaseDirectory = leaseDirectory;
    }

    /// <summary>What the lease of <paramref name="link"/> says (its DNS servers and search list), or null when there is none.</summary>
    public DhcpLease? Lease(string link) => DhcpLeaseFile.Read(Path.Combine(_leaseDirectory, link + ".lease"));

    /// <summary>The interface RancherOS's default network config leases first.</summary>
    public const string DefaultLink = "eth0";

    /// <summary>dhcpcd's arguments for one oneshot lease.</summary>
    public static IReadOnlyList<string> Arguments(string link, TimeSpan timeout) =>
        ["--oneshot", "--ipv4only", "--noarp", "--noipv4ll", "--nodelay", "--persistent", "--nodev", "--script", "/bin/true",
         "--option", "domain_name_servers,domain_name,domain_search",
         "--timeout", ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "--waitip=4", link];

    /// <summary>Leases <paramref name="link"/>; returns a line saying what was leased, or throws <see cref="IOException"/> with dhcpcd's reason.</summary>
    public async Task<string> UpAsync(string link, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_leaseDirectory); // the initramfs has no /var/lib/dhcpcd
        var result = await ChildProcess.RunAsync(_dhcpcd, Arguments(link, timeout), timeout + s_margin, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"{link}: dhcpcd gave no answer within {timeout.TotalSeconds:0} s plus {s_margin.TotalSeconds:0} s");
        if (result.ExitCode != 0)
        {
            throw new IOException($"{link}: no DHCP lease within {timeout.TotalSeconds:0} s (dhcpcd exited with {result.ExitCode}: {result.LastLine})");
        }
        var leased = (result.Error + result.Output).Split('\n').Select(l => l.Trim())
            .LastOrDefault(l => l.StartsWith(link + ": leased ", StringComparison.Ordinal));
        return leased ?? $"{link}: leased";
    }
}
