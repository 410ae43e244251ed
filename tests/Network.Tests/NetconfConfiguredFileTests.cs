namespace CorralOS.Network.Tests;

/// <summary>
/// netconf's "network configured" file, which ends PID 1's wait for a default route: written when every DHCP link
/// has its lease (or there are none), removed while a lease is missing.
/// </summary>
public sealed class NetconfConfiguredFileTests : IDisposable
{
    private readonly NetworkLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public void It_is_written_when_the_dhcp_lease_came()
    {
        _lab.StartDhcpServer();
        _lab.WriteConfig("""
            rancher:
              network:
                dhcp_timeout: 30
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(_lab.ConfiguredFile), "no configured file after the lease came");
    }

    [Fact]
    public void It_is_written_for_static_links_alone()
    {
        _lab.WriteConfig("""
            rancher:
              network:
                interfaces:
                  eth0: {address: 10.99.0.20/24, dhcp: false}
            """);

        var result = _lab.RunNetconf();

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(_lab.ConfiguredFile), "no configured file with static links only");
    }

    [Fact]
    public void It_is_removed_while_a_dhcp_lease_is_missing()
    {
        File.WriteAllText(_lab.ConfiguredFile, "from an earlier apply\n");
        _lab.WriteConfig("""
            rancher:
              network:
                dhcp_timeout: 2
            """);

        var result = _lab.RunNetconf();

        Assert.Contains("eth0", result.Output + result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_lab.ConfiguredFile), $"the configured file stayed although eth0 has no lease: {result.Output} {result.Error}");
    }
}
