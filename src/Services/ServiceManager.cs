using System.Collections.Concurrent;
using CorralOS.Compose;
using CorralOS.Engine.Client;

namespace CorralOS.Services;

/// <summary>
/// Brings compose services to their wanted state on the engines (System Docker for io.rancher.os.scope: system, User
/// Docker otherwise): `up` converges (creates what is missing, recreates what changed, leaves what is identical and
/// running alone) and starts independent services in parallel, each after what it depends on; stop, restart, kill and
/// rm act on the services' containers, dependents first.
/// </summary>
public sealed class ServiceManager
{
    /// <summary>The service that runs User Docker, which every user-scope service depends on (DependencyGraph).</summary>
    internal const string UserDockerService = "docker";

    /// <summary>How long a user-scope service waits for User Docker to answer once its container started.</summary>
    private static readonly TimeSpan s_userDockerAnswer = TimeSpan.FromMinutes(3);

    private readonly Func<ServiceScope, EngineClient> _engineFor;
    private readonly string _project;
    private readonly string _baseDirectory;
    private readonly Action<string> _log;

    /// <param name="engineFor">The engine of each scope; the manager does not dispose them.</param>
    /// <param name="baseDirectory">Where relative env_file paths of the services start.</param>
    /// <param name="log">Receives one line per thing done ("console: created", ...).</param>
    public ServiceManager(Func<ServiceScope, EngineClient> engineFor, string project = ManagedLabels.DefaultProject, string baseDirectory = "/var/lib/rancher/conf", Action<string>? log = null)
    {
        _engineFor = engineFor;
        _project = project;
        _baseDirectory = baseDirectory;
        _log = log ?? (_ => { });
    }

    public async Task<UpReport> UpAsync(IReadOnlyList<ServiceDefinition> services, UpOptions options, CancellationToken cancellationToken = default)
    {
        var report = new UpReport();
        var reloads = 0;
        // What earlier rounds already brought up (name -> config hash): a reload round leaves those alone, so
        // one-shots do not run twice in one boot; only new or changed services are acted on.
        var done = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            report.Rounds++;
            var reload = await UpRoundAsync(services, options, report, done, cancellationToken).ConfigureAwait(false);
            if (!reload || options.Reload is null || reloads++ >= options.MaxReloads)
            {
                return report;
            }
            _log("reloading the config (a reloadconfig service started)");
            services = await options.Reload(cancellationToken).ConfigureAwait(false);
            options = options with { Only = null };
        }
    }

    public Task StopAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, int? timeoutSeconds, CancellationToken cancellationToken = default) =>
        InReverseAsync(services, only, async (engine, service, container) =>
        {
            if (await engine.StopContainerAsync(container.Id, timeoutSeconds, cancellationToken).ConfigureAwait(false))
            {
                _log($"{service.Name}: stopped");
            }
        }, cancellationToken);

    public async Task RestartAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, int? timeoutSeconds, CancellationToken cancellationToken = default)
    {
        await StopAsync(services, only, timeoutSeconds, cancellationToken).ConfigureAwait(false);
        await StartAsync(services, only, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the services' existing containers (create-only ones stay created), dependencies first; creates nothing.</summary>
    public async Task StartAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, CancellationToken cancellationToken = default)
    {
        var graph = DependencyGraph.Build(Select(services, only));
        foreach (var wave in graph.Waves())
        {
            await Task.WhenAll(wave.Select(async name =>
            {
                var service = graph.Services.First(s => s.Name == name);
                var engine = _engineFor(service.Rancher.ServiceScope);
                if (!service.Rancher.IsCreateOnly
                    && await engine.InspectContainerAsync(service.EffectiveContainerName, cancellationToken).ConfigureAwait(false) is { } container
                    && await engine.StartContainerAsync(container.Id, cancellationToken).ConfigureAwait(false))
                {
                    _log($"{service.Name}: started");
                }
            })).ConfigureAwait(false);
        }
    }

    public Task KillAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, string? signal, CancellationToken cancellationToken = default) =>
        InReverseAsync(services, only, async (engine, service, container) =>
        {
            if (container.State.Running)
            {
                await engine.KillContainerAsync(container.Id, signal, cancellationToken).ConfigureAwait(false);
                _log($"{service.Name}: killed");
            }
        }, cancellationToken);

    /// <summary>Removes the services' containers; a running one only with <paramref name="force"/>.</summary>
    public Task RemoveAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, bool force, bool volumes, CancellationToken cancellationToken = default) =>
        InReverseAsync(services, only, async (engine, service, container) =>
        {
            if (container.State.Running && !force)
            {
                throw new ServiceException($"{service.Name}: container {container.Name.TrimStart('/')} is running; stop it first or use --force");
            }
            await engine.RemoveContainerAsync(container.Id, force, volumes, cancellationToken).ConfigureAwait(false);
            _log($"{service.Name}: removed");
        }, cancellationToken);

    /// <summary>The containers of the services that have one: (service, container) in file order.</summary>
    public async Task<List<(ServiceDefinition Service, ContainerDetails Container)>> ContainersAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, CancellationToken cancellationToken = default)
    {
        var result = new List<(ServiceDefinition, ContainerDetails)>();
        foreach (var service in Select(services, only))
        {
            if (await _engineFor(service.Rancher.ServiceScope).InspectContainerAsync(service.EffectiveContainerName, cancellationToken).ConfigureAwait(false) is { } container)
            {
                result.Add((service, container));
            }
        }
        return result;
    }

    private async Task<bool> UpRoundAsync(IReadOnlyList<ServiceDefinition> all, UpOptions options, UpReport report, ConcurrentDictionary<string, string> done, CancellationToken cancellationToken)
    {
        var selected = Select(all, options.Only);
        var builder = new ContainerSpecBuilder(_project, all, _baseDirectory);
        // A reload round leaves a service an earlier round brought up with the same config as it is, whatever its
        // container or image: its hash is known before asking the engine anything.
        var unchanged = selected.Where(s => done.TryGetValue(s.Name, out var hash) && hash == ConfigHashOrNull(builder, s))
            .Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var missingImages = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var images = new ConcurrentDictionary<string, ImageDetails?>(StringComparer.Ordinal);
        // An engine that cannot answer for one image (System Docker's system images file missing) fails that service only.
        var inspectErrors = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        // User-scope services whose engine, User Docker, does not answer yet (it is a service of this round itself):
        // their image is looked at once it does.
        var awaitingUserDocker = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        // All at once: one after the other, they were a round trip each before the first container was created.
        await Task.WhenAll(selected.Where(s => !unchanged.Contains(s.Name)).Select(async service =>
        {
            ImageDetails? image;
            try
            {
                image = await _engineFor(service.Rancher.ServiceScope).InspectImageAsync(service.Image!, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineApiException e) when (e.Status is not null)
            {
                inspectErrors[service.Name] = $"image {service.Image}: {e.Message}";
                images[service.Name] = null;
                return;
            }
            catch (EngineApiException e) when (service.Rancher.ServiceScope != ServiceScope.System)
            {
                if (!all.Any(s => s.Name == UserDockerService))
                {
                    inspectErrors[service.Name] = $"a user-scope service (no io.rancher.os.scope: system), and User Docker is not running and not a service here: {e.Message}";
                }
                awaitingUserDocker[service.Name] = true;
                images[service.Name] = null;
                return;
            }
            images[service.Name] = image;
            if (image is null && options.LocalImages?.Holds(service.Image!) != true)
            {
                missingImages[service.Name] = true;
            }
        })).ConfigureAwait(false);
        var graph = DependencyGraph.Build(selected, missingImages.Keys.ToHashSet(StringComparer.Ordinal));
        var reload = 0;
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var name in graph.Waves().SelectMany(w => w))
        {
            var service = selected.First(s => s.Name == name);
            var dependencies = graph.DependenciesOf(name).Select(d => (Name: d, Task: tasks[d])).ToList();
            tasks[name] = Task.Run(async () =>
            {
                await Task.WhenAll(dependencies.Select(d => d.Task)).ConfigureAwait(false);
                lock (report)
                {
                    if (dependencies.FirstOrDefault(d => report.Failures.ContainsKey(d.Name)) is { Name: { } failed })
                    {
                        report.Failures[name] = $"not started: {failed} failed";
                        _log($"{name}: not started: {failed} failed");
                        return;
                    }
                }
                try
                {
                    if (inspectErrors.TryGetValue(name, out var inspectError))
                    {
                        throw new ServiceException(inspectError);
                    }
                    if (awaitingUserDocker.ContainsKey(name))
                    {
                        images[name] = await InspectOnceUpAsync(service, cancellationToken).ConfigureAwait(false);
                    }
                    var outcome = unchanged.Contains(name)
                        ? UpToDate(service)
                        : await ConvergeAsync(service, builder, images.GetValueOrDefault(name), options, done, cancellationToken).ConfigureAwait(false);
                    lock (report)
                    {
                        report.Outcomes.Add(outcome);
                    }
                    if (outcome.Started && service.Rancher.IsReloadConfig)
                    {
                        Interlocked.Exchange(ref reload, 1);
                    }
                }
                catch (Exception e) when (e is ServiceException or EngineApiException or IOException)
                {
                    lock (report)
                    {
                        report.Failures[name] = e.Message;
                    }
                    _log($"{name}: {e.Message}");
                }
            }, cancellationToken);
        }
        await Task.WhenAll(tasks.Values).ConfigureAwait(false);
        return reload == 1;
    }

    private ServiceOutcome UpToDate(ServiceDefinition service)
    {
        _log($"{service.Name}: up to date");
        return new ServiceOutcome(service.Name, service.EffectiveContainerName, ConvergeAction.Leave, false, null);
    }

    /// <summary>The service's config hash; null when its definition does not build (its converge reports why).</summary>
    private static string? ConfigHashOrNull(ContainerSpecBuilder builder, ServiceDefinition service)
    {
        try
        {
            return builder.Build(service).Labels![ManagedLabels.ConfigHash];
        }
        catch (Exception e) when (e is ServiceException or IOException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// A user-scope service's image, once User Docker answers: its container started before this service (the
    /// dependency every user-scope service has), but dockerd takes a while to listen, tens of seconds on a slow machine.
    /// </summary>
    private async Task<ImageDetails?> InspectOnceUpAsync(ServiceDefinition service, CancellationToken cancellationToken)
    {
        var engine = _engineFor(service.Rancher.ServiceScope);
        try
        {
            await EngineWait.WaitAsync(engine, s_userDockerAnswer, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new ServiceException($"a user-scope service (no io.rancher.os.scope: system): {e.Message}", e);
        }
        return await engine.InspectImageAsync(service.Image!, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ServiceOutcome> ConvergeAsync(ServiceDefinition service, ContainerSpecBuilder builder, ImageDetails? image, UpOptions options, ConcurrentDictionary<string, string> done, CancellationToken cancellationToken)
    {
        var engine = _engineFor(service.Rancher.ServiceScope);
        var labels = service.Rancher;
        var name = service.EffectiveContainerName;
        if (image is null && options.LocalImages is { } local && local.Holds(service.Image!))
        {
            await local.LoadAsync(engine, service.Image!, cancellationToken).ConfigureAwait(false);
            image = await engine.InspectImageAsync(service.Image!, cancellationToken).ConfigureAwait(false)
                ?? throw new ServiceException($"image {service.Image} is still missing after loading it");
        }
        if (image is null)
        {
            if (!options.PullMissing)
            {
                throw new ServiceException($"image {service.Image} is not in the engine");
            }
            try
            {
                _log($"{service.Name}: pulling {service.Image}");
                await engine.PullImageAsync(service.Image!, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineApiException e)
            {
                throw new ServiceException($"image {service.Image} is not in the engine and could not be pulled: {e.Message}", e);
            }
            image = await engine.InspectImageAsync(service.Image!, cancellationToken).ConfigureAwait(false)
                ?? throw new ServiceException($"image {service.Image} is still missing after the pull");
        }
        var spec = builder.Build(service);
        var hash = spec.Labels![ManagedLabels.ConfigHash];
        var current = await engine.InspectContainerAsync(name, cancellationToken).ConfigureAwait(false);
        var existing = current is null ? null : new ExistingContainer(
            current.Id,
            current.Config.Labels?.GetValueOrDefault(ManagedLabels.ConfigHash),
            current.State.Running || current.State.Restarting,
            current.Image == image.Id,
            current.Config.Labels?.GetValueOrDefault(RancherLabels.Console));
        // A service an earlier round brought up with this config never gets here (UpRoundAsync's `unchanged`).
        var action = ConvergePlanner.Decide(labels, hash, existing, options.Recreate);
        if (action != ConvergeAction.Leave && !(options.CreateOnly || labels.IsCreateOnly) && DefaultRoute.WaitsFor(service))
        {
            await WaitForNetworkAsync(service, options, cancellationToken).ConfigureAwait(false);
        }
        var id = current?.Id;
        switch (action)
        {
            case ConvergeAction.Recreate:
                await engine.RemoveContainerAsync(current!.Id, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
                id = await engine.CreateContainerAsync(name, spec, cancellationToken).ConfigureAwait(false);
                _log($"{service.Name}: recreated");
                break;
            case ConvergeAction.Create:
                id = await engine.CreateContainerAsync(name, spec, cancellationToken).ConfigureAwait(false);
                _log($"{service.Name}: created");
                break;
            case ConvergeAction.Leave:
                done[service.Name] = hash;
                return UpToDate(service);
        }
        if (options.CreateOnly || labels.IsCreateOnly)
        {
            done[service.Name] = hash;
            return new ServiceOutcome(service.Name, name, action, false, null);
        }
        await engine.StartContainerAsync(id!, cancellationToken).ConfigureAwait(false);
        _log($"{service.Name}: started");
        long? exit = null;
        if (!labels.IsDetached)
        {
            exit = await engine.WaitContainerAsync(id!, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (exit != 0)
            {
                throw new ServiceException($"exited with status {exit}");
            }
            _log($"{service.Name}: exited 0");
        }
        done[service.Name] = hash;
        return new ServiceOutcome(service.Name, name, action, true, exit);
    }

    // RancherOS's rule for io.rancher.os.after: network: wait (bounded) for a default route, then start anyway; a
    // network configured without a router ends the wait at once (DefaultRoute).
    private async Task WaitForNetworkAsync(ServiceDefinition service, UpOptions options, CancellationToken cancellationToken)
    {
        var now = DefaultRoute.Check(options.RouteTable, options.NetworkConfiguredFile);
        if (now == RouteWaitResult.TimedOut)
        {
            var seconds = options.NetworkWait.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            _log($"{service.Name}: waiting for a default route (at most {seconds} s)");
            now = await DefaultRoute.WaitAsync(options.NetworkWait, options.RouteTable, options.NetworkConfiguredFile, cancellationToken).ConfigureAwait(false);
            if (now == RouteWaitResult.TimedOut)
            {
                _log($"{service.Name}: warning: no default route after {seconds} s; starting anyway");
            }
        }
        if (now == RouteWaitResult.ConfiguredWithoutRoute)
        {
            _log($"{service.Name}: no default route: the network is configured without a gateway; starting");
        }
    }

    private async Task InReverseAsync(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only, Func<EngineClient, ServiceDefinition, ContainerDetails, Task> act, CancellationToken cancellationToken)
    {
        var graph = DependencyGraph.Build(Select(services, only));
        var failures = new ConcurrentBag<string>();
        foreach (var wave in graph.Waves().Reverse())
        {
            await Task.WhenAll(wave.Select(async name =>
            {
                var service = graph.Services.First(s => s.Name == name);
                var engine = _engineFor(service.Rancher.ServiceScope);
                try
                {
                    if (await engine.InspectContainerAsync(service.EffectiveContainerName, cancellationToken).ConfigureAwait(false) is { } container)
                    {
                        await act(engine, service, container).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is ServiceException or EngineApiException)
                {
                    failures.Add(e.Message.StartsWith(name + ":", StringComparison.Ordinal) ? e.Message : $"{name}: {e.Message}");
                }
            })).ConfigureAwait(false);
        }
        if (!failures.IsEmpty)
        {
            throw new ServiceException(string.Join("; ", failures.Order(StringComparer.Ordinal)));
        }
    }

    /// <summary>The named services (all when none are named); an unknown name is an error.</summary>
    private static List<ServiceDefinition> Select(IReadOnlyList<ServiceDefinition> services, IReadOnlyCollection<string>? only)
    {
        if (only is null || only.Count == 0)
        {
            return services.ToList();
        }
        var unknown = only.Where(n => services.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ServiceException($"no such service: {string.Join(", ", unknown)}");
        }
        return services.Where(s => only.Contains(s.Name)).ToList();
    }
}
