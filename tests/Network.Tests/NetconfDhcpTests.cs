namespace CorralOS.Network.Tests;

/// <summary>The default (no interfaces configured): DHCP on eth* through dhcpcd, from dnsmasq in the lab.</summary>
public sealed class NetconfDhcpTests : IDisposable
{
    private readonly NetworkLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void Eth_links_get_address_route_dns_and_host_name_from_dhcp_by_default()
    {
        _lab.StartDhcpServer();
        _lab.WriteConfig($$"""
            rancher:
              network:
                dhcp_timeout: 30
                post_cmds: ["hostname > {{_lab.Log}}"]
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"inet 10\.99\.0\.1[0-4][0-9]/24 ", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0"));
        Assert.Contains($"default via {NetworkLab.Router} dev eth0", _lab.ClientIp("route", "show", "default"), StringComparison.Ordinal);
        var resolv = File.ReadAllText(_lab.ResolvConf);
        Assert.Contains($"nameserver {NetworkLab.DhcpNameserver}\n", resolv, StringComparison.Ordinal);
        Assert.Contains($"search {NetworkLab.DhcpSearch}\n", resolv, StringComparison.Ordinal);
        Assert.DoesNotContain("8.8.8.8", resolv, StringComparison.Ordinal);
        Assert.Contains($"127.0.1.1\t{NetworkLab.DhcpHostName}\n", File.ReadAllText(_lab.Hosts), StringComparison.Ordinal);
        Assert.Equal($"{NetworkLab.DhcpHostName}\n", File.ReadAllText(_lab.Log));
        Assert.Contains("netconf: eth0: DHCP lease", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_nameservers_replace_dhcp_ones_and_the_configured_host_name_wins()
    {
        _lab.StartDhcpServer();
        _lab.WriteConfig("""
            hostname: configured-host
            rancher:
              network:
                dhcp_timeout: 30
                dns:
                  nameservers: [192.0.2.10, 2001:db8::10]
                  search: [corp.test, example.test]
                interfaces:
                  eth0:
                    dhcp: true
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"inet 10\.99\.0\.1[0-4][0-9]/24 ", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0"));
        var resolv = File.ReadAllText(_lab.ResolvConf);
        Assert.EndsWith("nameserver 192.0.2.10\nnameserver 2001:db8::10\nsearch corp.test example.test\n", resolv, StringComparison.Ordinal);
        Assert.DoesNotContain(NetworkLab.DhcpNameserver, resolv, StringComparison.Ordinal);
        Assert.Contains("127.0.1.1\tconfigured-host\n", File.ReadAllText(_lab.Hosts), StringComparison.Ordinal);
    }

    [Fact]
    public void Dns_and_host_name_come_from_dhcp_even_without_a_dhcpcd_config_file()
    {
        _lab.StartDhcpServer();
        _lab.WriteConfig("""
            rancher:
              network:
                dhcp_timeout: 30
                interfaces:
                  eth*:
                    dhcp: true
                    dhcp_args: dhcpcd -MA4 -f /dev/null
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"nameserver {NetworkLab.DhcpNameserver}\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);
        Assert.Contains($"127.0.1.1\t{NetworkLab.DhcpHostName}\n", File.ReadAllText(_lab.Hosts), StringComparison.Ordinal);
    }
}
