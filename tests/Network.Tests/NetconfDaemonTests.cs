using System.Diagnostics;
using CorralOS.Linux;

namespace CorralOS.Network.Tests;

/// <summary>`netconf --daemon`, as the network system container runs it.</summary>
public sealed class NetconfDaemonTests : IDisposable
{
    private readonly NetworkLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task The_daemon_reapplies_a_changed_config_on_sighup_and_stops_dhcpcd_on_sigterm()
    {
        _lab.StartDhcpServer();
        _lab.WriteConfig("""
            rancher:
              network:
                dhcp_timeout: 30
                interfaces:
                  eth0: {dhcp: true, mtu: 1400}
            """);
        var daemon = _lab.StartDaemon(); // the lab owns and disposes it
        var stderr = daemon.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal("netconf: applied", WaitForRound(daemon));
        Assert.Equal("1400", _lab.ClientSys("class/net/eth0/mtu"));
        Assert.Matches(@"inet 10\.99\.0\.1[0-4][0-9]/24 ", _lab.ClientIp("-o", "-4", "addr", "show", "dev", "eth0"));
        var dhcpcd = int.Parse(File.ReadAllText(Path.Combine(_lab.Directory, "run/pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        _lab.WriteConfig("""
            rancher:
              network:
                dhcp_timeout: 30
                dns: {nameservers: [192.0.2.99]}
                interfaces:
                  eth0: {dhcp: true, mtu: 1300}
            """);
        Processes.Kill(daemon.Id, Signals.SIGHUP);

        Assert.Equal("netconf: applied", WaitForRound(daemon));
        Assert.Equal("1300", _lab.ClientSys("class/net/eth0/mtu"));
        Assert.EndsWith("nameserver 192.0.2.99\nsearch lab.test\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);

        Processes.Kill(daemon.Id, Signals.SIGTERM);
        Assert.Equal("netconf: stopped", WaitForRound(daemon));
        daemon.WaitForExit();
        Assert.Equal(0, daemon.ExitCode);
        Assert.Equal("", await stderr);
        Assert.False(IsRunning(dhcpcd), "dhcpcd still runs after the daemon stopped");
    }

    [Fact]
    public void The_daemon_follows_dns_servers_that_change_at_a_lease_renewal()
    {
        _lab.StartDhcpServer();
        _lab.WriteConfig("""
            rancher:
              network:
                dhcp_timeout: 30
            """);
        var daemon = _lab.StartDaemon(); // the lab owns and disposes it
        Assert.Equal("netconf: applied", WaitForRound(daemon));
        Assert.Contains($"nameserver {NetworkLab.DhcpNameserver}\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);

        _lab.StopDhcpServer();
        _lab.StartDhcpServer(nameserver: "10.99.0.54");
        _lab.RenewLease();

        Assert.Equal("netconf: resolv.conf: 10.99.0.54 (from DHCP) (lease changed)", WaitForLine(daemon, l => l.StartsWith("netconf: resolv.conf:", StringComparison.Ordinal)));
        Assert.EndsWith("nameserver 10.99.0.54\nsearch lab.test\n", File.ReadAllText(_lab.ResolvConf), StringComparison.Ordinal);
    }

    /// <summary>Reads stdout up to the first line that matches.</summary>
    private static string WaitForLine(Process daemon, Func<string, bool> match)
    {
        string? line;
        while ((line = daemon.StandardOutput.ReadLine()) is not null)
        {
            if (match(line))
            {
                return line;
            }
        }
        return "(the daemon exited)";
    }

    /// <summary>Alive and not a zombie (an orphan's exit is reaped by whatever PID 1 the test host has, maybe never).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads stdout up to the line that ends an apply round (or the stop line).</summary>
    private static string WaitForRound(Process daemon)
    {
        string? line;
        while ((line = daemon.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("netconf: applied", StringComparison.Ordinal) || line == "netconf: stopped")
            {
                return line;
            }
        }
        return "(the daemon exited)";
    }
}
