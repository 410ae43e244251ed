namespace CorralOS.Services;

/// <summary>How `up` (or `create`) runs.</summary>
public sealed record UpOptions
{
    /// <summary>Only these services (none: all), in dependency order among themselves; their dependencies are not brought up.</summary>
    public IReadOnlyCollection<string>? Only { get; init; }

    public RecreateMode Recreate { get; init; } = RecreateMode.Changed;

    /// <summary>Create (or recreate) only, start nothing (`ros service create`).</summary>
    public bool CreateOnly { get; init; }

    /// <summary>Images loaded (instead of pulled) when a service needing one converges: the system images of the initrd.</summary>
    public ILocalImages? LocalImages { get; init; }

    /// <summary>Pull images the engine does not have (the pull error is the service's failure).</summary>
    public bool PullMissing { get; init; } = true;

    /// <summary>
    /// Called after a round in which an io.rancher.os.reloadconfig service was started: returns the services of the
    /// reloaded config, and `up` runs again over them (what is up to date is left alone). Null: no reload.
    /// </summary>
    public Func<CancellationToken, Task<IReadOnlyList<Compose.ServiceDefinition>>>? Reload { get; init; }

    /// <summary>How long a service with io.rancher.os.after: network waits for a default route before it starts anyway.</summary>
    public TimeSpan NetworkWait { get; init; } = DefaultRoute.DefaultWait;

    /// <summary>The routing table that wait reads (tests point it at another network namespace's /proc/PID/net/route).</summary>
    public string RouteTable { get; init; } = DefaultRoute.ProcRouteTable;

    /// <summary>The file whose presence ends that wait early: the network is configured and no route is coming.</summary>
    public string NetworkConfiguredFile { get; init; } = Linux.NetworkConfiguredFile.DefaultPath;

    /// <summary>How many reload rounds at most (a service that asks for a reload every time must not loop for ever).</summary>
    public int MaxReloads { get; init; } = 5;
}
