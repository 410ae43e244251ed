using System.Diagnostics;
using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>
/// A network namespace of our own (unshare -n around a sleep): its routing table is /proc/PID/net/route, and
/// `ip` runs in it through nsenter. Nothing in it reaches any other network. Killed on dispose.
/// </summary>
public sealed class TestNetworkNamespace : IDisposable
{
    private readonly Process _holder;

    private TestNetworkNamespace(Process holder) => _holder = holder;

    public string RouteTable => $"/proc/{_holder.Id}/net/route";

    public static TestNetworkNamespace Start()
    {
        var info = new ProcessStartInfo("unshare");
        foreach (var arg in (string[])["-n", "sleep", "600"])
        {
            info.ArgumentList.Add(arg);
        }
        var holder = Process.Start(info)!;
        // unshare execs sleep once the namespace is made: wait until the process's namespace differs from ours.
        var ours = new FileInfo("/proc/self/ns/net").LinkTarget;
        while (new FileInfo($"/proc/{holder.Id}/ns/net").LinkTarget == ours || !File.ReadAllText($"/proc/{holder.Id}/comm").StartsWith("sleep", StringComparison.Ordinal))
        {
            Assert.False(holder.HasExited, "unshare -n sleep exited");
            Thread.Sleep(20);
        }
        return new TestNetworkNamespace(holder);
    }

    /// <summary>`ip ARGS` inside the namespace; fails the test on a non-zero exit.</summary>
    public async Task IpAsync(params string[] args)
    {
        var (exit, _, error) = await TestEngine.RunAsync("nsenter", ["-t", _holder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "ip", .. args]);
        Assert.True(exit == 0, $"ip {string.Join(' ', args)}: {error}");
    }

    /// <summary>A veth pair (both ends in the namespace) that is up, an address on one end and a default route through it.</summary>
    public async Task AddDefaultRouteAsync()
    {
        await IpAsync("link", "add", "corral0", "type", "veth", "peer", "name", "corral1");
        await IpAsync("link", "set", "corral1", "up");
        await IpAsync("link", "set", "corral0", "up");
        await IpAsync("addr", "add", "10.213.0.2/24", "dev", "corral0");
        await IpAsync("route", "add", "default", "via", "10.213.0.1");
    }

    public void Dispose()
    {
        _holder.Kill();
        _holder.WaitForExit();
        _holder.Dispose();
    }
}
