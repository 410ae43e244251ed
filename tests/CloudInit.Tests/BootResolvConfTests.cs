using System.Text;

namespace CorralOS.CloudInit.Tests;

/// <summary>
/// PID 1's resolv.conf for the boot-time fetch: the nameservers of the oneshot lease, read from dhcpcd's lease file
/// (the server's DHCP message as dhcpcd stores it), or rancher.network.dns.nameservers when set; nothing without any.
/// The boot test CmdlineUrlBootTests resolves a cloud-config-url host name through it.
/// </summary>
public sealed class BootResolvConfTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string ResolvConf => Path.Combine(_dir.Path, "etc/resolv.conf");

    // A DHCPACK as dhcpcd writes it to /var/lib/dhcpcd/eth0.lease: BOOTP header, magic cookie, options 6 and 15, end.
    private MetadataLink LinkWithLease()
    {
        var message = new byte[240];
        message[0] = 2; // BOOTREPLY
        message[236] = 99;
        message[237] = 130;
        message[238] = 83;
        message[239] = 99;
        var domain = Encoding.ASCII.GetBytes("lab.test");
        byte[] options = [53, 1, 5, 6, 8, 10, 0, 2, 3, 10, 0, 2, 4, 15, (byte)domain.Length, .. domain, 255];
        var leases = Path.Combine(_dir.Path, "var/lib/dhcpcd");
        Directory.CreateDirectory(leases);
        File.WriteAllBytes(Path.Combine(leases, "eth0.lease"), [.. message, .. options]);
        return new MetadataLink(leaseDirectory: leases);
    }

    [Fact]
    public void The_lease_gives_the_nameservers_and_search_domain()
    {
        var lease = LinkWithLease().Lease("eth0");

        var line = new BootResolvConf(ResolvConf).Write([], [], lease, "eth0");

        Assert.Equal($"{ResolvConf}: nameserver 10.0.2.3 10.0.2.4 (from the DHCP lease of eth0)", line);
        Assert.Equal("# Written by PID 1 from the DHCP lease of eth0 for cloud-init; the network service rewrites it.\n"
            + "nameserver 10.0.2.3\nnameserver 10.0.2.4\nsearch lab.test\n", File.ReadAllText(ResolvConf));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(ResolvConf));
    }

    [Fact]
    public void Rancher_network_dns_wins_over_the_lease()
    {
        var line = new BootResolvConf(ResolvConf).Write(["192.0.2.53"], ["corp.test"], LinkWithLease().Lease("eth0"), "eth0");

        Assert.Equal($"{ResolvConf}: nameserver 192.0.2.53 (from rancher.network.dns)", line);
        Assert.Equal("# Written by PID 1 from rancher.network.dns for cloud-init; the network service rewrites it.\n"
            + "nameserver 192.0.2.53\nsearch corp.test\n", File.ReadAllText(ResolvConf));
    }

    [Fact]
    public void Without_a_lease_file_or_nameservers_the_file_is_left_alone()
    {
        _dir.Write("etc/resolv.conf", "nameserver 198.51.100.1\n");

        var line = new BootResolvConf(ResolvConf).Write([], [], new MetadataLink(leaseDirectory: _dir.Path).Lease("eth0"), "eth0");

        Assert.Null(line);
        Assert.Equal("nameserver 198.51.100.1\n", File.ReadAllText(ResolvConf));
    }
}
