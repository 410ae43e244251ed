namespace CorralOS.Network.Tests;

/// <summary>Static configuration, matching rules, bridges and errors, with no DHCP server in the lab.</summary>
public sealed class NetconfStaticTests : IDisposable
{
    private readonly NetworkLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void A_static_interface_gets_its_address_gateway_mtu_dns_hosts_and_proxies()
    {
        File.WriteAllText(_lab.Hosts, "127.0.0.1\tlocalhost\n127.0.1.1\told-name\n10.0.0.9\tother\n");
        _lab.WriteConfig($$"""
            hostname: static-host.example.test
            rancher:
              network:
                http_proxy: http://proxy.example.test:3128
                https_proxy: http://proxy.example.test:3129
                no_proxy: localhost,10.0.0.0/8
                pre_cmds: ["echo pre_cmds >> {{_lab.Log}}"]
                post_cmds: ["echo post_cmds >> {{_lab.Log}}", "hostname >> {{_lab.Log}}"]
                dns:
                  nameservers: [192.0.2.53]
                interfaces:
                  eth0:
                    address: 10.99.0.20/24
                    addresses: [10.99.5.20/24, "2001:db8:99::20/64"]
                    gateway: 10.99.0.1
                    gateway_ipv6: 2001:db8:99::1
                    mtu: 1400
                    dhcp: false
                    pre_up: ["echo pre_up eth0 >> {{_lab.Log}}"]
                    post_up: ["echo post_up eth0 >> {{_lab.Log}}"]
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        var addresses = _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0");
        Assert.Contains("inet 10.99.0.20/24 brd 10.99.0.255 ", addresses, StringComparison.Ordinal);
        Assert.Contains("inet 10.99.5.20/24 brd 10.99.5.255 ", addresses, StringComparison.Ordinal);
        Assert.Contains("default via 10.99.0.1 dev eth0", _lab.ClientIp("route", "show", "default"), StringComparison.Ordinal);
        Assert.Contains("inet6 2001:db8:99::20/64 ", _lab.ClientIp("-o", "-6", "addr", "show", "dev", "eth0"), StringComparison.Ordinal);
        Assert.Contains("default via 2001:db8:99::1 dev eth0", _lab.ClientIp("-6", "route", "show", "default"), StringComparison.Ordinal);
        Assert.Equal("1400", _lab.ClientSys("class/net/eth0/mtu"));
        Assert.Contains("state UP", _lab.ClientIp("-o", "link", "show", "eth0"), StringComparison.Ordinal);
        Assert.Contains("LOOPBACK,UP", _lab.ClientIp("-o", "link", "show", "lo"), StringComparison.Ordinal);
        Assert.EndsWith("nameserver 192.0.2.53\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.0.9\tother\n127.0.1.1\tstatic-host.example.test static-host\n", File.ReadAllText(_lab.Hosts));
        Assert.Equal(
            """
            # Written by netconf from rancher.network.{http_proxy,https_proxy,no_proxy}.
            HTTP_PROXY=http://proxy.example.test:3128
            http_proxy=http://proxy.example.test:3128
            HTTPS_PROXY=http://proxy.example.test:3129
            https_proxy=http://proxy.example.test:3129
            NO_PROXY=localhost,10.0.0.0/8
            no_proxy=localhost,10.0.0.0/8

            """.ReplaceLineEndings("\n"),
            File.ReadAllText(_lab.ProxyEnv));
        Assert.Equal("pre_cmds\npre_up eth0\npost_up eth0\npost_cmds\nstatic-host.example.test\n", File.ReadAllText(_lab.Log));
    }

    [Fact]
    public void A_mac_match_beats_a_glob_an_exact_name_beats_a_glob_and_a_glob_makes_bridge_ports()
    {
        _lab.AddClientVethPair("lan0", "lan1");
        _lab.WriteConfig($$"""
            rancher:
              network:
                interfaces:
                  br0:
                    bridge: true
                    address: 10.98.0.1/24
                  lan*:
                    bridge: br0
                  lan1:
                    address: 10.96.0.1/24
                  eth*:
                    mtu: 1500
                  "mac={{NetworkLab.ClientMac[..^2]}}*":
                    address: 10.97.0.5/24
                    mtu: 1280
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("inet 10.98.0.1/24", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "br0"), StringComparison.Ordinal);
        Assert.Contains("master br0", _lab.ClientIp("-o", "link", "show", "lan0"), StringComparison.Ordinal);
        var lan1 = _lab.ClientIp("-o", "link", "show", "lan1");
        Assert.DoesNotContain("master", lan1, StringComparison.Ordinal);
        Assert.Contains("inet 10.96.0.1/24", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "lan1"), StringComparison.Ordinal);
        Assert.Contains("inet 10.97.0.5/24", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0"), StringComparison.Ordinal);
        Assert.Equal("1280", _lab.ClientSys("class/net/eth0/mtu"));
        Assert.Contains(" bridge forward_delay ", _lab.ClientIp("-d", "-o", "link", "show", "br0"), StringComparison.Ordinal);
    }

    [Fact]
    public void Applying_the_same_config_twice_changes_nothing_and_reports_no_problem()
    {
        _lab.AddClientVethPair("lan0", "lan1");
        _lab.WriteConfig("""
            rancher:
              network:
                interfaces:
                  br0: {bridge: true, address: 10.98.0.1/24, gateway: 10.98.0.254}
                  lan0: {bridge: br0}
                  eth0: {address: 10.99.0.20/24, mtu: 1400}
            """);

        var first = _lab.RunNetconf();
        var second = _lab.RunNetconf();

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Single(_lab.ClientIp("-o", "-4", "addr", "show", "dev", "br0").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("default via 10.98.0.254 dev br0", _lab.ClientIp("route", "show", "default"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_is_one_line_naming_interface_and_field_and_the_other_interfaces_still_apply()
    {
        _lab.AddClientVethPair("lan0", "lan1");
        _lab.WriteConfig("""
            rancher:
              network:
                interfaces:
                  eth0:
                    address: 10.99.0.300/24
                  lan0:
                    address: 10.98.0.7/24
                  lan1:
                    vlans: 100,5000
            """);

        var result = _lab.RunNetconf();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "netconf: eth0: address: '10.99.0.300/24' is not an address with a prefix length (10.1.0.41/24, 2001:db8::5/64)\n"
            + "netconf: lan1: vlans: '5000' is not a VLAN id from 1 to 4094 (with :name optionally)\n",
            result.Error);
        Assert.Contains("inet 10.98.0.7/24", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "lan0"), StringComparison.Ordinal);
        Assert.DoesNotContain("inet ", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateway_outside_every_subnet_is_reported_by_the_kernel_for_that_interface_and_field()
    {
        _lab.WriteConfig("""
            rancher:
              network:
                interfaces:
                  eth0: {address: 10.99.0.20/24, gateway: 192.0.2.1}
            """);

        var result = _lab.RunNetconf();

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("netconf: eth0: gateway: Network is unreachable\n", result.Error);
        Assert.Contains("inet 10.99.0.20/24", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0"), StringComparison.Ordinal);
    }

    [Fact]
    public void Interface_settings_on_the_kernel_command_line_win_over_cloud_config()
    {
        _lab.WriteConfig("""
            rancher:
              network:
                interfaces:
                  eth0: {address: 10.99.0.41/24, mtu: 1400}
            """);
        _lab.WriteKernelCmdline("console=ttyS0 rancher.network.interfaces.eth0.address=10.99.0.52/24 rancher.network.dns.nameservers=[192.0.2.7]");

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        var addresses = _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0");
        Assert.Contains("inet 10.99.0.52/24", addresses, StringComparison.Ordinal);
        Assert.DoesNotContain("10.99.0.41", addresses, StringComparison.Ordinal);
        Assert.Equal("1400", _lab.ClientSys("class/net/eth0/mtu"));
        Assert.EndsWith("nameserver 192.0.2.7\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_dns_from_config_or_dhcp_the_defaults_are_written()
    {
        _lab.WriteConfig("""
            rancher:
              network:
                interfaces:
                  eth0: {address: 10.99.0.20/24}
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.EndsWith("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);
        Assert.Contains("127.0.1.1\trancher\n", File.ReadAllText(_lab.Hosts), StringComparison.Ordinal);
        Assert.Equal("# Written by netconf from rancher.network.{http_proxy,https_proxy,no_proxy}.\n", File.ReadAllText(_lab.ProxyEnv));
    }
}
