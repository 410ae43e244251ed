namespace CorralOS.Services.Tests;

/// <summary>
/// RancherOS's wait for io.rancher.os.after: network (reference §1.6): such a service starts once there is a default
/// route, or after the bound with a warning; others do not wait. Routes come from a network namespace made here.
/// </summary>
public sealed class NetworkWaitTests : IClassFixture<EngineFixture>
{
    private const string System = "io.rancher.os.scope: system";
    private readonly EngineFixture _fixture;

    public NetworkWaitTests(EngineFixture fixture) => _fixture = fixture;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // netconf's "network configured" file, somewhere only this test writes (never the host's /run).
    private static string NewConfiguredFile() => Path.Combine(Directory.CreateTempSubdirectory("network-wait-").FullName, "network-configured");

    [Fact]
    public async Task A_service_after_network_waits_for_a_default_route_and_the_others_do_not()
    {
        using var ns = TestNetworkNamespace.Start();
        await ns.IpAsync("link", "set", "lo", "up");
        Assert.False(DefaultRoute.Exists(ns.RouteTable));
        var services = EngineFixture.Services($$$"""
            wait-net: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.after: network, {{{System}}}}}
            wait-not: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.after: "network,udev", {{{System}}}}}
            """);
        var log = new List<string>();

        var up = _fixture.Manager(log).UpAsync(services, new UpOptions { RouteTable = ns.RouteTable, NetworkWait = TimeSpan.FromMinutes(10), NetworkConfiguredFile = NewConfiguredFile() }, Token);
        while (!Logged(log, "wait-net: waiting for a default route (at most 600 s)") || !Logged(log, "wait-not: started"))
        {
            Assert.False(up.IsCompleted, $"up ended without waiting: {string.Join(" | ", log)}");
            await Task.Delay(50, Token);
        }
        // Waiting: nothing of wait-net exists yet, while wait-not (its after label is not exactly "network") runs.
        Assert.Null(await _fixture.Client.InspectContainerAsync("wait-net", Token));
        Assert.True((await _fixture.InspectAsync("wait-not")).State.Running);

        await ns.AddDefaultRouteAsync();
        Assert.True(DefaultRoute.Exists(ns.RouteTable));
        (await up).ThrowIfFailed();

        Assert.True((await _fixture.InspectAsync("wait-net")).State.Running);
        Assert.DoesNotContain(log, l => l.Contains("warning", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.StartsWith("wait-not: waiting", StringComparison.Ordinal));

        // With the route there, a later up does not wait at all.
        log.Clear();
        (await _fixture.Manager(log).UpAsync(services, new UpOptions { RouteTable = ns.RouteTable, Recreate = RecreateMode.Always, NetworkConfiguredFile = NewConfiguredFile() }, Token)).ThrowIfFailed();
        Assert.Contains("wait-net: recreated", log);
        Assert.DoesNotContain(log, l => l.Contains("waiting", StringComparison.Ordinal));
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task Without_a_default_route_the_service_starts_after_the_bound_with_a_warning()
    {
        using var ns = TestNetworkNamespace.Start();
        var services = EngineFixture.Services($$$"""
            wait-late: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.after: network, {{{System}}}}}
            """);
        var log = new List<string>();

        (await _fixture.Manager(log).UpAsync(services, new UpOptions { RouteTable = ns.RouteTable, NetworkWait = TimeSpan.FromSeconds(1), NetworkConfiguredFile = NewConfiguredFile() }, Token)).ThrowIfFailed();

        Assert.Equal(
            ["wait-late: waiting for a default route (at most 1 s)", "wait-late: warning: no default route after 1 s; starting anyway", "wait-late: created", "wait-late: started"],
            log);
        Assert.True((await _fixture.InspectAsync("wait-late")).State.Running);
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task A_network_configured_without_a_gateway_ends_the_wait_at_once()
    {
        using var ns = TestNetworkNamespace.Start();
        var configured = NewConfiguredFile();
        var services = EngineFixture.Services($$$"""
            wait-cfg: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.after: network, {{{System}}}}}
            """);
        var log = new List<string>();

        var up = _fixture.Manager(log).UpAsync(services, new UpOptions { RouteTable = ns.RouteTable, NetworkWait = TimeSpan.FromMinutes(10), NetworkConfiguredFile = configured }, Token);
        while (!Logged(log, "wait-cfg: waiting for a default route (at most 600 s)"))
        {
            Assert.False(up.IsCompleted, $"up ended without waiting: {string.Join(" | ", log)}");
            await Task.Delay(50, Token);
        }
        Assert.Null(await _fixture.Client.InspectContainerAsync("wait-cfg", Token));

        // What netconf writes once every DHCP lease is in: no route is coming, so the wait ends well before its bound.
        await File.WriteAllTextAsync(configured, "every DHCP link has its lease\n", Token);
        (await up.WaitAsync(TimeSpan.FromMinutes(2), Token)).ThrowIfFailed();

        Assert.Equal(
            ["wait-cfg: waiting for a default route (at most 600 s)", "wait-cfg: no default route: the network is configured without a gateway; starting", "wait-cfg: created", "wait-cfg: started"],
            log);
        Assert.True((await _fixture.InspectAsync("wait-cfg")).State.Running);

        // Already configured: a later up says so and does not wait.
        log.Clear();
        (await _fixture.Manager(log).UpAsync(services, new UpOptions { RouteTable = ns.RouteTable, Recreate = RecreateMode.Always, NetworkConfiguredFile = configured }, Token)).ThrowIfFailed();
        Assert.Equal(["wait-cfg: no default route: the network is configured without a gateway; starting", "wait-cfg: recreated", "wait-cfg: started"], log);
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public void Only_an_after_label_of_exactly_network_waits()
    {
        Assert.True(DefaultRoute.WaitsFor(EngineFixture.Services("a: {image: i, labels: {io.rancher.os.after: network}}")[0]));
        Assert.True(DefaultRoute.WaitsFor(EngineFixture.Services("a: {image: i, labels: {io.rancher.os.after: \" network \"}}")[0]));
        Assert.False(DefaultRoute.WaitsFor(EngineFixture.Services("a: {image: i, labels: {io.rancher.os.after: \"udev,network\"}}")[0]));
        Assert.False(DefaultRoute.WaitsFor(EngineFixture.Services("a: {image: i, labels: {io.rancher.os.before: network}}")[0]));
        Assert.False(DefaultRoute.WaitsFor(EngineFixture.Services("a: {image: i}")[0]));
    }

    private static bool Logged(List<string> log, string line)
    {
        lock (log)
        {
            return log.Contains(line);
        }
    }
}
