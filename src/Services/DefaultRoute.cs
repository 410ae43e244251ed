using System.Globalization;

namespace CorralOS.Services;

/// <summary>
/// RancherOS's wait before a service labelled io.rancher.os.after: network (reference §1.6): up to 20 s until the
/// machine has an IPv4 default route that is up, then the service starts either way. Routes are read from the
/// kernel's table in /proc (the manager's own network namespace unless told another file).
/// </summary>
public static class DefaultRoute
{
    /// <summary>The routing table of this process's network namespace.</summary>
    public const string ProcRouteTable = "/proc/net/route";

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    private const int RouteUp = 0x1;

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

    /// <summary>Polls until a default route exists or <paramref name="bound"/> has passed; true if one came.</summary>
    public static async Task<bool> WaitAsync(TimeSpan bound, string routeTable = ProcRouteTable, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!Exists(routeTable))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
        return true;
    }
}
