using System.Globalization;

namespace CorralOS.Services;

/// <summary>
/// RancherOS's wait before a service labelled io.rancher.os.after: network (reference §1.6): up to 20 s until the
/// machine has an IPv4 default route that is up, then the service starts either way. Routes are read from the
/// kernel's table in /proc (the manager's own network namespace unless told another file). The wait also ends when the
/// network container says the network is configured (<see cref="Linux.NetworkConfiguredFile"/>) and still no route is
/// there: every DHCP lease is in and none brought a router, so waiting out the bound would gain nothing.
/// </summary>
public static class DefaultRoute
{
    /// <summary>The routing table of this process's network namespace.</summary>
    public const string ProcRouteTable = "/proc/net/route";

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    private const int RouteUp = 0x1;

    // Two small reads per look; a service after the network starts at most this long after the lease, and every boot
    // waits here for it (at 200 ms a boot lost 0.1 s on average).
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the service waits: its after label is exactly "network", as RancherOS compared it.</summary>
    public static bool WaitsFor(Compose.ServiceDefinition service) =>
        service.Labels.TryGetValue(Compose.RancherLabels.After, out var after) && after.Trim() == "network";

    /// <summary>Whether /proc/net/route (format: Iface Destination Gateway Flags ... Mask ..., hex) has an up default route.</summary>
    public static bool Exists(string routeTable = ProcRouteTable)
    {
        foreach (var line in File.ReadLines(routeTable).Skip(1))
        {
            var fields = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8 && fields[1] == "00000000" && fields[7] == "00000000"
                && int.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) && (flags & RouteUp) != 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>What is there now: a route, a network configured without one, or neither yet.</summary>
    public static RouteWaitResult Check(string routeTable, string configuredFile) =>
        Exists(routeTable) ? RouteWaitResult.Route
        : File.Exists(configuredFile) ? RouteWaitResult.ConfiguredWithoutRoute
        : RouteWaitResult.TimedOut;

    /// <summary>Polls until a default route exists, the network is configured without one, or <paramref name="bound"/> has passed.</summary>
    public static async Task<RouteWaitResult> WaitAsync(TimeSpan bound, string routeTable, string configuredFile, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + bound;
        RouteWaitResult result;
        while ((result = Check(routeTable, configuredFile)) == RouteWaitResult.TimedOut && DateTime.UtcNow < deadline)
        {
            await Task.Delay(s_pollInterval, cancellationToken).ConfigureAwait(false);
        }
        return result;
    }
}

/// <summary>How the wait for a default route ended.</summary>
public enum RouteWaitResult
{
    Route,
    ConfiguredWithoutRoute,
    TimedOut,
}
