using System.Diagnostics;
using CorralOS.Init.Phases;
using CorralOS.Init.Storage;
using CorralOS.Init.SystemDocker;
using CorralOS.Linux;

namespace CorralOS.Init;

/// <summary>
/// PID 1: prints the banner, runs the boot phases, keeps a shell on the console and shuts the
/// machine down cleanly when asked. Orphans are reaped by the .NET runtime itself: when the process
/// is PID 1 and a SIGCHLD handler is installed (starting a <see cref="Process"/> installs it), it
/// waits for every child, not only the ones it started.
/// </summary>
public sealed class InitProcess
{
    private readonly BootConsole _console;
    private readonly BootContext _context;
    private readonly IReadOnlyList<IBootPhase> _phases;
    private readonly SystemDockerPaths _systemDockerPaths = new();

    public InitProcess(BootConsole console, BootContext context, IReadOnlyList<IBootPhase>? phases = null)
    {
        _console = console;
        _context = context;
        _phases = phases ?? DefaultPhases();
    }

    public static IReadOnlyList<IBootPhase> DefaultPhases() =>
        [new MountsPhase(), new ConfigPhase(), new ModulesPhase(), new StatePhase(), new CloudInitPhase(), new ConfigModulesPhase(), new BootcmdPhase(), new DiskMountsPhase(), new SysctlPhase(), new LoopbackPhase(), new HostnamePhase()];

    /// <summary>Boots, then serves until a shutdown signal; never returns normally on a real machine.</summary>
    public async Task<int> RunAsync()
    {
        _console.Banner($"CorralOS {_context.Version} booting");
        // Nothing here waits for it; what needs cryptographic randomness later (IDs, keys) finds it ready (KernelRandom).
        KernelRandom.WaitInBackground(waited => _console.Info($"random pool ready ({waited.TotalMilliseconds:0} ms after the banner)"));
        Environment.SetEnvironmentVariable("PATH", "/sbin:/usr/sbin:/bin:/usr/bin");

        using var signals = new ShutdownSignals();
        signals.Register();
        TryCatchCtrlAltDel();

        var healthy = RunPhases();
        var tried = FindTriedVersion();
        // A try that fails goes back to the default by itself (TriedVersion) instead of waiting in a recovery shell.
        var rollsBack = tried is not null && !_context.RecoveryRequested;
        if (!healthy && !rollsBack)
        {
            _console.Info(_context.RecoveryRequested
                ? "starting a recovery shell on the console"
                : "a required boot phase failed; starting a recovery shell on the console");
        }

        using var tryWatch = new CancellationTokenSource();
        if (tried is not null && healthy)
        {
            _ = RebootUnlessProvenAsync(tried, signals, tryWatch.Token);
        }
        var initShell = Config.ConfigTree.GetBool(_context.Config, "rancher.init_shell");
        var boot = StartSystemAsync(healthy, initShell);
        if (await Task.WhenAny(boot, signals.Requested) != boot)
        {
            // Asked to stop while System Docker or the services were still starting (a try's deadline, ctrl-alt-del):
            // the shutdown sequence ends whatever they left running.
            return await ShutDownAsync(signals, systemDocker: null, shell: null);
        }
        var (systemDocker, services) = await boot;
        healthy &= systemDocker is not null;
        if (healthy)
        {
            _console.Banner($"CorralOS {_context.Version} started");
            MarkBootGood(services.Failed);
        }
        await tryWatch.CancelAsync();
        if (rollsBack && (!healthy || services.Failed.Count > 0))
        {
            // Failed health checks were said by MarkBootGood, with the services that failed.
            if (!healthy)
            {
                _console.Info(tried!.FailedBoot());
            }
            signals.Request(PowerAction.Reboot);
        }

        var buttons = new PowerButton().Watch(() => signals.Request(PowerAction.PowerOff));
        _console.Info(buttons > 0 ? "power button: pressing it powers off cleanly" : "power button: none found");

        // The console service owns the serial console (its gettys); without it the operator gets PID 1's shell.
        using var stopShell = new CancellationTokenSource();
        var shell = Task.CompletedTask;
        if (initShell || !services.Started.Contains(SystemServices.ConsoleService))
        {
            _console.Info("starting a shell on the console");
            shell = new ConsoleShell(_console).RunAsync(stopShell.Token);
        }

        return await ShutDownAsync(signals, systemDocker, (shell, stopShell));
    }

    /// <summary>Waits for a shutdown request, then stops the shell, the services and System Docker, and ends the system.</summary>
    private async Task<int> ShutDownAsync(ShutdownSignals signals, SystemDockerHost? systemDocker, (Task Task, CancellationTokenSource Stop)? shell)
    {
        var action = await signals.Requested;
        _console.Info($"shutting down ({Describe(action)})");
        if (shell is { } console)
        {
            await console.Stop.CancelAsync();
            await console.Task;
        }
        if (systemDocker is not null)
        {
            await StopSystemDockerAsync(systemDocker);
        }
        new ShutdownSequence(_console, TimeSpan.FromSeconds(5)).Run(action);
        return 0;
    }

    /// <summary>System Docker and rancher.services, when the phases left the system healthy.</summary>
    private async Task<(SystemDockerHost? SystemDocker, ServicesUp Services)> StartSystemAsync(bool healthy, bool initShell)
    {
        var systemDocker = healthy ? await StartSystemDockerAsync() : null;
        var services = systemDocker is not null ? await StartServicesAsync(withoutConsole: initShell) : new ServicesUp(new HashSet<string>(), []);
        return (systemDocker, services);
    }

    /// <summary>The version GRUB is trying, when it is this one (grubenv on the state); null without a state or a try.</summary>
    private Boot.TriedVersion? FindTriedVersion()
    {
        if (_context.StateDevice is null)
        {
            return null;
        }
        try
        {
            return Boot.TriedVersion.Find(Boot.GrubEnvironment.PathIn(Storage.Persistence.StateMount), _context.Version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _console.Info($"boot: cannot read grubenv: {e.Message}");
            return null;
        }
    }

    /// <summary>A try that has not proven itself (started, health checks passed) within rancher.upgrade.try_timeout reboots.</summary>
    private async Task RebootUnlessProvenAsync(Boot.TriedVersion tried, ShutdownSignals signals, CancellationToken proven)
    {
        var timeout = Boot.TriedVersion.Timeout(Config.ConfigTree.GetString(_context.Config, "rancher.upgrade.try_timeout"));
        try
        {
            await Task.Delay(timeout, proven);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        _console.Info(tried.TimedOut(timeout));
        signals.Request(PowerAction.Reboot);
    }

    /// <summary>System Docker in this process; null (and said why) when it cannot start.</summary>
    private async Task<SystemDockerHost?> StartSystemDockerAsync()
    {
        try
        {
            // rancher.system_docker.insecure_registry, as RancherOS had it: registries (host[:port]) pulled over plain http,
            // e.g. a local registry `ros os upgrade -i` reads from.
            var insecure = Config.ConfigTree.GetStrings(_context.Config, "rancher.system_docker.insecure_registry");
            return await SystemDockerHost.StartAsync(_console, _context.Version, insecure, _systemDockerPaths, CancellationToken.None);
        }
        // Any exception: PID 1 must live on to give the operator a recovery shell.
        catch (Exception e)
        {
            _console.Info($"system-docker: FAILED: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// Stops System Docker and its containers, but never holds the shutdown up for longer than the limit: what is still
    /// running then gets SIGTERM and SIGKILL from the shutdown sequence like every other process.
    /// </summary>
    private async Task StopSystemDockerAsync(SystemDockerHost systemDocker)
    {
        _console.Info("stopping system containers");
        await StopServicesInOrderAsync();
        var limit = TimeSpan.FromSeconds(20);
        var stop = systemDocker.DisposeAsync().AsTask();
        if (await Task.WhenAny(stop, Task.Delay(limit)) != stop)
        {
            _console.Info($"system containers did not stop within {limit.TotalSeconds} s: going on without them");
        }
        else if (stop.Exception is { } e)
        {
            _console.Info($"stopping system containers: {e.GetBaseException().Message}");
        }
    }

    /// <summary>
    /// The services in reverse dependency order, dependents first (the console before network, network before udev),
    /// each with its stop_grace_period (else 10 s) before SIGKILL, all within rancher.shutdown_timeout (default 60 s); what is left is the engine's
    /// to stop. PID 1 runs the shutdown itself, so no container has to outlive the others to finish it.
    /// </summary>
    private async Task StopServicesInOrderAsync()
    {
        var limit = TimeSpan.FromSeconds(int.TryParse(Config.ConfigTree.GetString(_context.Config, "rancher.shutdown_timeout"), out var seconds) && seconds > 0 ? seconds : 60);
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var initShell = Config.ConfigTree.GetBool(_context.Config, "rancher.init_shell");
            await new SystemServices(_console, new Config.ConfigPaths(), _systemDockerPaths, initShell).StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _console.Info($"services did not stop within {limit.TotalSeconds} s: stopping the rest at once");
        }
        // Any other exception: the engine's own stop below still ends every container.
        catch (Exception e)
        {
            _console.Info($"stopping services: {e.Message}");
        }
    }

    /// <summary>rancher.services on System Docker; the names that started (none when the step failed as a whole).</summary>
    private async Task<ServicesUp> StartServicesAsync(bool withoutConsole)
    {
        try
        {
            return await new SystemServices(_console, new Config.ConfigPaths(), _systemDockerPaths, withoutConsole).UpAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            _console.Info($"services: FAILED: {e.Message}");
            return new ServicesUp(new HashSet<string>(), [$"services: {e.Message}"]);
        }
    }

    /// <summary>Runs every phase in order; false if a required one failed.</summary>
    public bool RunPhases()
    {
        var total = Stopwatch.StartNew();
        var healthy = true;
        foreach (var phase in _phases)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var detail = phase.Run(_context);
                _console.Info($"phase {phase.Name}: ok ({clock.ElapsedMilliseconds} ms{(detail.Length > 0 ? ", " + detail : "")})");
                PrintWarnings(phase);
                if (_context.RecoveryRequested)
                {
                    _console.Info("rancher.recovery is set: stopping the boot here with a recovery shell");
                    healthy = false;
                    break;
                }
            }
            // Any exception: an unhandled one would end PID 1, and the kernel panics when init exits.
            catch (Exception e)
            {
                _console.Info($"phase {phase.Name}: FAILED: {e.Message}");
                PrintWarnings(phase);
                healthy &= !phase.Required;
                if (phase.Required)
                {
                    break;
                }
            }
        }
        _console.Info($"boot phases done in {total.ElapsedMilliseconds} ms");
        return healthy;
    }

    private void PrintWarnings(IBootPhase phase)
    {
        foreach (var warning in _context.Warnings)
        {
            _console.Info($"phase {phase.Name}: {warning}");
        }
        _context.Warnings.Clear();
    }

    private static string Describe(PowerAction action) => action switch
    {
        PowerAction.PowerOff => "poweroff",
        PowerAction.Reboot => "reboot",
        _ => "halt",
    };

    private void TryCatchCtrlAltDel()
    {
        try
        {
            Power.SendCtrlAltDelToInit();
        }
        catch (SystemCallException e)
        {
            _console.Info($"ctrl-alt-del stays a hard reboot: {e.Message}");
        }
    }

    /// <summary>
    /// A version GRUB is trying (ros os upgrade) becomes the default once it reached started and passed its health checks
    /// (docs/upgrade.md): every phase passed and System Docker started (else there is no `started`), and every service
    /// came up (<paramref name="failedChecks"/> names those that did not).
    /// </summary>
    private void MarkBootGood(IReadOnlyList<string> failedChecks)
    {
        if (_context.StateDevice is null)
        {
            return;
        }
        try
        {
            if (Boot.BootMarker.MarkGood(Boot.GrubEnvironment.PathIn(Storage.Persistence.StateMount), _context.Version, failedChecks) is { } line)
            {
                _console.Info(line);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _console.Info($"boot: cannot mark this version good in grubenv: {e.Message}");
        }
    }
}
