using CorralOS.Config.Model;
using CorralOS.Network.Netlink;

namespace CorralOS.Network.Tests;

/// <summary>Config entries to settings, matching, hosts and lease parsing, without touching links.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("10.1.0.41", "address", "'10.1.0.41' is not an address with a prefix length (10.1.0.41/24, 2001:db8::5/64)")]
    [InlineData("10.1/24", "address", "'10.1/24' is not an address with a prefix length (10.1.0.41/24, 2001:db8::5/64)")]
    [InlineData("10.1.0.41/33", "address", "'10.1.0.41/33' is not an address with a prefix length (10.1.0.41/24, 2001:db8::5/64)")]
    public void Bad_addresses_name_the_entry_and_field(string address, string field, string message)
    {
        var error = Assert.Throws<NetworkConfigException>(() => InterfaceSettings.Parse("eth1", new InterfaceConfig { Address = address }));

        Assert.Equal($"eth1: {field}: {message}", error.Message);
    }

    [Fact]
    public void Other_bad_fields_name_the_entry_and_field()
    {
        Assert.Equal("eth1: gateway: '2001:db8::1' is not an IPv4 address",
            Assert.Throws<NetworkConfigException>(() => InterfaceSettings.Parse("eth1", new InterfaceConfig { Gateway = "2001:db8::1" })).Message);
        Assert.Equal("eth1: mtu: 20 is not between 68 and 65535",
            Assert.Throws<NetworkConfigException>(() => InterfaceSettings.Parse("eth1", new InterfaceConfig { Mtu = 20 })).Message);
        Assert.Equal("eth1: bond: 'a bond with spaces' is not a valid interface name (1 to 15 characters, no '/', ':' or spaces)",
            Assert.Throws<NetworkConfigException>(() => InterfaceSettings.Parse("eth1", new InterfaceConfig { Bond = "a bond with spaces" })).Message);
    }

    [Fact]
    public void Vlans_are_named_after_the_parent_unless_named()
    {
        var settings = InterfaceSettings.Parse("eth1", new InterfaceConfig { Vlans = "100, 200:foobar" });

        Assert.Equal(["eth1.100", "foobar"], settings.Vlans.Select(v => v.LinkName("eth1")));
        Assert.Equal([(ushort)100, (ushort)200], settings.Vlans.Select(v => v.Id));
    }

    [Fact]
    public void No_interfaces_means_dhcp_on_eth_links_and_dns_defaults_come_from_rancher_defaults()
    {
        var settings = NetworkSettings.From(new CloudConfig
        {
            Rancher = new RancherConfig { Defaults = new DefaultsConfig { Hostname = "rancher", Network = new NetworkConfig { DhcpTimeout = 7, Dns = new DnsConfig { Nameservers = ["8.8.8.8"] } } } },
        });

        var entry = Assert.Single(settings.Interfaces);
        Assert.Equal("eth*", entry.Match);
        Assert.True(entry.Dhcp);
        Assert.Equal(7, settings.DhcpTimeoutSeconds);
        Assert.Equal("8.8.8.8", Assert.Single(settings.DefaultNameservers).ToString());
        Assert.Equal("rancher", settings.DefaultHostname);
    }

    [Fact]
    public void Matching_prefers_mac_then_exact_name_then_glob_and_never_picks_lo_by_pattern()
    {
        InterfaceSettings Entry(string key) => InterfaceSettings.Parse(key, new InterfaceConfig());
        var entries = new[] { Entry("*"), Entry("eth1"), Entry("mac=52:54:00:12:34:*") };
        static LinkInfo Link(string name, string mac) => new(1, name, mac, 1500, false, 0);

        Assert.Equal("mac=52:54:00:12:34:*", InterfaceMatcher.For(Link("eth1", "52:54:00:12:34:59"), entries)!.Key);
        Assert.Equal("eth1", InterfaceMatcher.For(Link("eth1", "52:54:00:aa:bb:cc"), entries)!.Key);
        Assert.Equal("*", InterfaceMatcher.For(Link("eth2", "52:54:00:aa:bb:cc"), entries)!.Key);
        Assert.Null(InterfaceMatcher.For(Link("lo", "00:00:00:00:00:00"), entries));
        Assert.Null(InterfaceMatcher.For(Link("docker-sys", "52:54:00:12:34:56"), entries));
    }

    [Fact]
    public void Dhcpcd_runs_as_rancheros_did_without_the_hook_script_unless_the_entry_names_one()
    {
        var dhcpcd = new Dhcpcd("/usr/sbin/dhcpcd", "/var/lib/dhcpcd");

        Assert.Equal(["/usr/sbin/dhcpcd", "-MA4", "--script", "/dev/null", "--nodev", "--nodelay", "--option", "domain_name_servers,domain_name,domain_search,host_name", "--nohook", "resolv.conf", "--nohook", "hostname", "--timeout", "10", "-w", "eth0"],
            dhcpcd.CommandLine(InterfaceSettings.Parse("eth*", new InterfaceConfig { Dhcp = true }), "eth0", 10));
        Assert.Equal(["/usr/sbin/dhcpcd", "-MA6", "--script", "/dev/null", "--nodev", "--nodelay", "--option", "domain_name_servers,domain_name,domain_search,host_name", "--nohook", "resolv.conf", "--nohook", "hostname", "--timeout", "3", "-w", "eth1"],
            dhcpcd.CommandLine(InterfaceSettings.Parse("eth1", new InterfaceConfig { Dhcp = true, DhcpArgs = "dhcpcd  -MA6" }), "eth1", 3));
        // A script the entry names is kept: only dhcpcd's own default is turned off.
        Assert.Equal(["/usr/sbin/dhcpcd", "-MA4", "--script", "/opt/hook", "--nodev"],
            dhcpcd.CommandLine(InterfaceSettings.Parse("eth0", new InterfaceConfig { Dhcp = true, DhcpArgs = "dhcpcd -MA4 --script /opt/hook" }), "eth0", 3).Take(5));
    }

    [Fact]
    public void A_lease_file_gives_dns_search_and_host_name()
    {
        var message = new byte[240];
        message[0] = 2; // BOOTREPLY
        message[236] = 99;
        message[237] = 130;
        message[238] = 83;
        message[239] = 99;
        byte[] options =
        [
            53, 1, 5,
            6, 8, 10, 0, 0, 53, 10, 0, 0, 54,
            12, 5, (byte)'n', (byte)'o', (byte)'d', (byte)'e', (byte)'1',
            15, 6, (byte)'a', (byte)'.', (byte)'t', (byte)'e', (byte)'s', (byte)'t',
            // search a.test and b.a.test, the second ending in a pointer to the first (RFC 3397 compression)
            119, 12, 1, (byte)'a', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0, 1, (byte)'b', 0xc0, 0,
            255,
        ];

        var lease = DhcpLeaseFile.Parse([.. message, .. options])!;

        Assert.Equal(["10.0.0.53", "10.0.0.54"], lease.Nameservers);
        Assert.Equal(["a.test", "b.a.test"], lease.Search);
        Assert.Equal("node1", lease.HostName);
        Assert.Null(DhcpLeaseFile.Parse(message.AsSpan(0, 100)));
    }

    [Fact]
    public void The_hosts_file_keeps_other_lines_and_replaces_the_127_0_1_1_line()
    {
        Assert.Equal("127.0.0.1 localhost\n::1 localhost\n10.1.1.1 db # keep\n127.0.1.1\tnew\n",
            HostsFile.Render("127.0.0.1 localhost\n::1 localhost\n127.0.1.1 old old.example\n10.1.1.1 db # keep\n", "new"));
        Assert.Equal("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tnew\n", HostsFile.Render(null, "new"));
    }
}
