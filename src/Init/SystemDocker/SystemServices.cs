using System.Diagnostics;
using CorralOS.Compose;
using CorralOS.Config;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// Brings up the compose project `os` (rancher.services plus enabled rancher.services_include entries) on System
/// Docker once the engine is serving, as RancherOS's sysinit did: volume containers, udev, network (which asks for a
/// config reload), the console... A service that fails is reported on the console; the others still come up.
/// </summary>
/// <param name="withoutConsole">rancher.init_shell: PID 1's shell keeps the console, so the console service's getty
/// must not fight it; User Docker, there for the console's users, is left out with it.</param>
public sealed class SystemServices(BootConsole console, ConfigPaths configPaths, SystemDockerPaths paths, bool withoutConsole)
{
    /// <summary>The service that owns the console (its gettys and sshd); left out under rancher.init_shell.</summary>
    public const string ConsoleService = "console";

    /// <summary>User Docker, there for the console's users: left out with the console under rancher.init_shell.</summary>
    public const string UserDockerService = "docker";

    /// <summary>A persistent console's image for this version (nothing holds it) and the staged one it runs instead.</summary>
    private (string Wanted, string Kept)? _keptConsoleImage;

    /// <summary>What came up (the started service names) and the services that did not (each with why).</summary>
    public async Task<ServicesUp> UpAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        PrepareHostPaths();
        using var systemDocker = new EngineClient("unix://" + paths.Socket);
        using var userDocker = new EngineClient("unix:///var/run/docker.sock");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var manager = new ServiceManager(scope => scope == ServiceScope.System ? systemDocker : userDocker, log: line => console.Info("service " + line));

        // Each service's system image is loaded from the initrd (or the staged images) when that service converges (a failed load is its failure).
        var index = SystemImageIndex.Read([paths.SystemImages, paths.StagedImages], problem => console.Info($"system-docker: {problem}"));
        var images = new InitrdImages(index, line => console.Info("system-docker: " + line));
        var services = await LoadAsync(http, cancellationToken);
        if (!withoutConsole && services.FirstOrDefault(PersistentConsoleImage.IsPersistent) is { Image: { } wanted } persistent)
        {
            await ChoosePersistentConsoleImageAsync(systemDocker, index, persistent, wanted, cancellationToken);
        }
        var report = await manager.UpAsync(services, new UpOptions { Reload = ct => LoadAsync(http, ct), LocalImages = images }, cancellationToken);
        foreach (var (service, problem) in report.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            console.Info($"service {service}: FAILED: {problem}");
        }
        var failed = await FallBackToDefaultConsoleAsync(manager, images, report, http, cancellationToken);
        var started = report.Outcomes.Where(o => o.Started).Select(o => o.Service).ToHashSet(StringComparer.Ordinal);
        console.Info($"services: {started.Count} started, {report.Failures.Count} failed in {clock.ElapsedMilliseconds} ms");
        await RestartConfiguredAsync(manager, http, cancellationToken);
        return new ServicesUp(started, failed.Select(f => $"service {f.Key}: {f.Value}").ToList());
    }

    /// <summary>
    /// A persistent console whose image for this version nothing holds (`ros os upgrade` without --upgrade-console
    /// staged none) keeps the image of the same console that is staged, e.g. the previous version's, instead of
    /// failing over to the default console; and the first boot after `ros os upgrade --upgrade-console` gets the
    /// console's /usr and /var volumes anew from the new image (<see cref="PersistentConsoleImage"/>).
    /// </summary>
    private async Task ChoosePersistentConsoleImageAsync(EngineClient systemDocker, SystemImageIndex index, ServiceDefinition persistent, string wanted, CancellationToken cancellationToken)
    {
        if (!index.Images.Contains(wanted, StringComparer.Ordinal) && await systemDocker.InspectImageAsync(wanted, cancellationToken) is null)
        {
            if (PersistentConsoleImage.Kept(wanted, index.Images) is { } kept)
            {
                _keptConsoleImage = (wanted, kept);
                persistent.Image = kept;
                console.Info($"service console: {wanted} is not staged; console {persistent.Rancher.ConsoleName} keeps {kept} (ros os upgrade --upgrade-console upgrades it)");
            }
            // Else it is pulled, or the default console runs (FallBackToDefaultConsoleAsync): the volumes wait for it.
            return;
        }
        if (PersistentConsoleImage.ReadUpgradeMarker("/") is not { } marked || marked != wanted)
        {
            // No upgrade of the console asked for, or one for another version (that version did not boot): left for it.
            return;
        }
        // Before any container exists (System Docker's containers are on the RAM root): nothing uses the volumes. The
        // engine keeps no volume state beyond its directories, so they are removed there.
        var volumes = new Engine.Volumes.VolumeStore(Path.Combine(paths.DataRoot, "volumes"));
        var replaced = PersistentConsoleImage.ReplacedVolumes(persistent).Where(volumes.Exists).ToList();
        try
        {
            foreach (var volume in replaced)
            {
                volumes.Remove(volume);
            }
            PersistentConsoleImage.RemoveUpgradeMarker("/");
            console.Info($"service console: upgraded to {persistent.Image}: {(replaced.Count == 0 ? "no volumes to replace" : string.Join(", ", replaced) + " start again from it")}; the others are kept");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Info($"service console: the upgrade of its volumes to {persistent.Image} failed: {e.Message}");
        }
    }

    /// <summary>
    /// A chosen console (rancher.console) that did not come up, e.g. its image was never staged: the default console
    /// takes its place for this boot, so the machine keeps a login (RancherOS kept the default when it could not
    /// load the chosen one). rancher.console is left as it is.
    /// </summary>
    /// <returns>The failures left after it (those of <paramref name="report"/> when there was nothing to fall back to).</returns>
    private async Task<IReadOnlyDictionary<string, string>> FallBackToDefaultConsoleAsync(ServiceManager manager, ILocalImages images, UpReport report, HttpClient http, CancellationToken cancellationToken)
    {
        // The config is read again only when the console failed: the common boot pays nothing for this.
        if (withoutConsole || !report.Failures.ContainsKey(ConsoleService))
        {
            return report.Failures;
        }
        var chosen = Consoles.Enabled(new ConfigLoader(configPaths).Load().Tree);
        if (chosen == Consoles.Default)
        {
            return report.Failures;
        }
        console.Info($"service console: console {chosen} did not start; the default console runs this boot");
        var services = await LoadAsync(http, cancellationToken, Consoles.Default);
        // The services that failed with it (User Docker comes after the console) are tried again too.
        var fallback = await manager.UpAsync(services, new UpOptions { Only = report.Failures.Keys.ToList(), LocalImages = images }, cancellationToken);
        foreach (var (service, problem) in fallback.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            console.Info($"service {service}: FAILED: {problem}");
        }
        // What the fallback brought up is up (a console, if not the chosen one: the health checks pass, so an upgrade
        // whose version lacks a staged persistent console is kept, as before); what it could not is still a failure.
        return fallback.Failures;
    }

    /// <summary>
    /// rancher.restart_services, each boot once the services are up (RancherOS's cloud-init-execute did it before the
    /// console): e.g. a daemon that should read what write_files put in its container. 10 s stop timeout, as there.
    /// </summary>
    private async Task RestartConfiguredAsync(ServiceManager manager, HttpClient http, CancellationToken cancellationToken)
    {
        var names = ConfigTree.GetStrings(new ConfigLoader(configPaths).Load().Tree, "rancher.restart_services");
        if (names.Count == 0)
        {
            return;
        }
        var services = await LoadAsync(http, cancellationToken);
        var known = names.Where(n => services.Any(s => s.Name == n)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var unknown in names.Except(known, StringComparer.Ordinal))
        {
            console.Info($"restart_services: no such service: {unknown}");
        }
        try
        {
            await manager.RestartAsync(services, known, 10, cancellationToken);
            console.Info($"restart_services: restarted {string.Join(", ", known)}");
        }
        catch (Exception e) when (e is ServiceException or Engine.Client.EngineApiException or IOException)
        {
            console.Info($"restart_services: FAILED: {e.Message}");
        }
    }

    /// <summary>
    /// At shutdown: stops the services' containers in reverse dependency order (the console before network, network
    /// before udev...), each with its stop signal and its stop_grace_period (else 10 s) before SIGKILL. Each stop is
    /// printed as `service NAME: stopped`.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var systemDocker = new EngineClient("unix://" + paths.Socket);
        using var userDocker = new EngineClient("unix:///var/run/docker.sock");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var manager = new ServiceManager(scope => scope == ServiceScope.System ? systemDocker : userDocker, log: line => console.Info("service " + line));
        var services = await LoadAsync(http, cancellationToken);
        await manager.StopAsync(services.Where(s => s.Rancher.ServiceScope == ServiceScope.System).ToList(), null, timeoutSeconds: null, cancellationToken);
    }

    /// <summary>
    /// Bind sources the default volume containers share: a missing source would be created as a directory by the
    /// engine (Docker's rule), and /etc/resolv.conf must stay a file the network service can fill.
    /// </summary>
    private static void PrepareHostPaths()
    {
        foreach (var directory in (string[])["/etc/docker", "/media", "/mnt", "/var/lib/docker", "/var/lib/containers", "/var/lib/rancher/conf"])
        {
            Directory.CreateDirectory(directory);
        }
        if (!File.Exists("/etc/resolv.conf"))
        {
            File.WriteAllText("/etc/resolv.conf", "");
        }
    }

    private async Task<IReadOnlyList<ServiceDefinition>> LoadAsync(HttpClient http, CancellationToken cancellationToken, string? consoleInstead = null)
    {
        var config = new ConfigLoader(configPaths).Load();
        var tree = consoleInstead is null ? config.Tree : Consoles.WithConsole(config.Tree, consoleInstead);
        var project = await ProjectLoader.LoadAsync(tree, new ServiceCatalog(configPaths, tree, http), cancellationToken);
        foreach (var problem in project.Errors)
        {
            console.Info($"services: {problem}");
        }
        if (_keptConsoleImage is { } choice)
        {
            foreach (var service in project.Services.Where(s => s.Name == ConsoleService && s.Image == choice.Wanted))
            {
                service.Image = choice.Kept;
            }
        }
        return withoutConsole ? project.Services.Where(s => s.Name is not (ConsoleService or UserDockerService)).ToList() : project.Services;
    }
}

/// <summary>The services that came up, and the ones that did not as `service NAME: why` (the boot's health checks).</summary>
public sealed record ServicesUp(IReadOnlySet<string> Started, IReadOnlyList<string> Failed);
