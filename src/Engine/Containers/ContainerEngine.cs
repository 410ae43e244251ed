using CorralOS.Engine.Images;
using CorralOS.Engine.Volumes;

namespace CorralOS.Engine.Containers;

/// <summary>
/// The container operations behind the API: create, start, stop, kill, restart, wait, remove, rename, and what the
/// engine does with containers when it starts and stops. One operation at a time per container (its lifecycle lock),
/// so concurrent requests see each transition whole.
/// </summary>
public sealed class ContainerEngine
{
    // How long `crun kill --all` has to end a run before what escaped the container's cgroup is killed by hand.
    private static readonly TimeSpan s_stragglerGrace = TimeSpan.FromSeconds(2);
    private readonly ImageStore _images;
    private readonly ContainerRuntimeContext _context;
    private readonly Dictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly Lock _locksGate = new();
    private readonly HashSet<Task> _watches = [];

    public ContainerEngine(ImageStore images, ContainerStore store, OciRuntime runtime, bool deviceCgroupRules)
    {
        _images = images;
        Store = store;
        Volumes = new VolumeStore(store.Layout.Volumes);
        _context = new ContainerRuntimeContext(store.Layout, new RootFsMounter(store.Layout, images), new OciSpecBuilder(store.Layout, deviceCgroupRules, store.Get), runtime);
        _context.Events = Events;
        Execs = new Exec.ExecEngine(store, runtime)
        {
            Notify = (exec, action, exitCode) => Events.Container(exec.Container, action == "exec_die" ? action : $"{action}: {string.Join(' ', exec.Config.Cmd ?? [])}",
                exitCode is { } code ? [("execID", exec.Id), ("exitCode", code.ToString(System.Globalization.CultureInfo.InvariantCulture))] : [("execID", exec.Id)]),
        };
    }

    /// <summary>What happened to containers and images, for GET /events.</summary>
    public Events.EventLog Events { get; } = new();

    public ContainerStore Store { get; }

    /// <summary>Named and anonymous volumes.</summary>
    public VolumeStore Volumes { get; }

    /// <summary>Exec instances in running containers.</summary>
    public Exec.ExecEngine Execs { get; }

    public Container Create(string? name, ContainerCreateRequest request)
    {
        if (string.IsNullOrEmpty(request.Image))
        {
            throw new InvalidArgumentException("config cannot be empty in order to create a container");
        }
        var image = _images.Get(request.Image);
        var config = ContainerFactory.Merge(request, image);
        foreach (var (_, _, target) in SharedNamespaces.Joined(config.HostConfig!))
        {
            Store.Get(target); // an unknown container to share a namespace with is a 404 now, not at start
        }
        var anonymous = AnonymousVolumes.Choose(config);
        var container = Store.Add(name, (id, chosen) => new ContainerRecord
        {
            Id = id,
            Name = chosen,
            Created = DateTimeOffset.UtcNow,
            Image = request.Image,
            ImageId = image.Id,
            Config = config,
            AnonymousVolumes = anonymous.Count > 0 ? anonymous : null,
        });
        // Made now, so GET /volumes lists them at once; the image's content is copied in at the first start.
        foreach (var volume in anonymous.Values)
        {
            Volumes.Ensure(volume);
        }
        Events.Container(container, "create");
        return container;
    }

    public async Task StartAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var container = Store.Get(nameOrId);
        try
        {
            using var _ = await LockAsync(container, cancellationToken);
            await StartLockedAsync(container);
        }
        catch (EngineException) when (container.Record.Config.HostConfig?.AutoRemove == true && !container.Removed && !container.State.Running)
        {
            // As Docker: an auto-remove container that cannot start is removed (`docker run --rm` waits for that).
            await RemoveAsync(container.Id, force: true, CancellationToken.None, removeVolumes: true);
            throw;
        }
    }

    private async Task StartLockedAsync(Container container)
    {
        if (container.Removed)
        {
            throw new NotFoundException($"No such container: {container.Id}");
        }
        if (container.State.Running)
        {
            throw new NotModifiedException("container already started");
        }
        if (container.Run is { } previous)
        {
            await previous.Finished;
        }
        SharedNamespaces.CheckTargets(container, Store.Get);
        container.Run = await ContainerRun.StartAsync(container, _context);
        Events.Container(container, "start");
        var watch = WatchAsync(container, container.Run);
        lock (_locksGate)
        {
            _watches.Add(watch);
        }
        _ = watch.ContinueWith(done =>
        {
            lock (_locksGate)
            {
                _watches.Remove(done);
            }
        }, TaskScheduler.Default);
    }

    // After the loop ends: auto-remove (--rm) containers go once they are done, unless a restart ended the run (its
    // next run reuses the rootfs still mounted).
    private async Task WatchAsync(Container container, ContainerRun run)
    {
        await run.Finished;
        if (run.EndedByRestart)
        {
            return;
        }
        if (container.Record.Config.HostConfig?.AutoRemove == true && !_context.ShuttingDown && !container.Removed)
        {
            try
            {
                await RemoveAsync(container.Id, force: true, CancellationToken.None, removeVolumes: true);
            }
            catch (NotFoundException)
            {
                // Removed meanwhile by a client.
            }
        }
        else if (container.Record.Config.HostConfig?.AutoRemove == true && !container.Removed)
        {
            // The loop leaves an auto-remove container's rootfs mounted for its removal, which the engine's stop skips.
            _context.RootFs.Unmount(container);
        }
    }

    /// <summary>SIGTERM (or the container's StopSignal), then SIGKILL after the timeout (seconds; negative waits forever).</summary>
    public async Task StopAsync(string nameOrId, int? timeoutSeconds, CancellationToken cancellationToken)
    {
        var container = Store.Get(nameOrId);
        using var _ = await LockAsync(container, cancellationToken);
        if (!await StopLockedAsync(container, timeoutSeconds, byUser: true))
        {
            throw new NotModifiedException("container already stopped");
        }
        Events.Container(container, "stop");
    }

    private async Task<bool> StopLockedAsync(Container container, int? timeoutSeconds, bool byUser)
    {
        var run = container.Run;
        if (run is null || run.Finished.IsCompleted)
        {
            return false;
        }
        run.RequestStop();
        if (byUser)
        {
            container.Update(s => s.StoppedByUser = true);
        }
        var state = container.State;
        if (state.Status == ContainerStatus.Running)
        {
            var signal = Signals.Parse(container.Record.Config.StopSignal ?? "SIGTERM");
            Events.Container(container, "kill", ("signal", signal.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await _context.Runtime.KillAsync(container.Id, signal, CrunLog(container), CancellationToken.None);
            var timeout = timeoutSeconds ?? container.Record.Config.StopTimeout ?? 10;
            if (timeout >= 0)
            {
                await Task.WhenAny(run.Finished, Task.Delay(TimeSpan.FromSeconds(timeout)));
            }
            if (!run.Finished.IsCompleted)
            {
                Events.Container(container, "kill", ("signal", Signals.SIGKILL.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                await KillAllAsync(container, run);
            }
        }
        await run.Finished;
        return true;
    }

    /// <summary>
    /// SIGKILLs every process of the container's cgroup (`crun kill --all`), not only its init, and waits for the run's
    /// end. Without a PID namespace of its own (`--pid host`) the init's death does not end its children, and crun run
    /// waits for them; what escaped the cgroup is killed by hand after a grace.
    /// </summary>
    private async Task KillAllAsync(Container container, ContainerRun run)
    {
        await _context.Runtime.KillAsync(container.Id, Signals.SIGKILL, CrunLog(container), CancellationToken.None, all: true);
        if (await Task.WhenAny(run.Finished, Task.Delay(s_stragglerGrace)) != run.Finished)
        {
            run.KillStragglers();
        }
        await run.Finished;
    }

    public async Task KillAsync(string nameOrId, string signalName, CancellationToken cancellationToken)
    {
        var container = Store.Get(nameOrId);
        var signal = Signals.Parse(string.IsNullOrEmpty(signalName) ? "SIGKILL" : signalName);
        using var _ = await LockAsync(container, cancellationToken);
        var run = container.Run;
        if (run is null || container.State.Status != ContainerStatus.Running)
        {
            throw new ConflictException($"Cannot kill container: {nameOrId}: Container {container.Id} is not running");
        }
        // A kill that ends the container counts as a user stop for the restart policy, as in Docker only for SIGKILL.
        if (signal == Signals.SIGKILL)
        {
            run.RequestStop();
            container.Update(s => s.StoppedByUser = true);
        }
        Events.Container(container, "kill", ("signal", signal.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // SIGKILL ends the whole container, as containerd ends a shared PID namespace's rest when its init dies.
        if (signal == Signals.SIGKILL)
        {
            await KillAllAsync(container, run);
        }
        else
        {
            await _context.Runtime.KillAsync(container.Id, signal, CrunLog(container), cancellationToken);
        }
    }

    /// <summary>
    /// Stop, then start. An auto-remove (--rm) container survives it, as in Docker: only its final exit removes it
    /// (and a start that fails, as for start).
    /// </summary>
    public async Task RestartAsync(string nameOrId, int? timeoutSeconds, CancellationToken cancellationToken)
    {
        var container = Store.Get(nameOrId);
        var autoRemove = container.Record.Config.HostConfig?.AutoRemove == true;
        var removing = false;
        try
        {
            using var _ = await LockAsync(container, cancellationToken);
            if (autoRemove && container.Run is { Finished.IsCompleted: true, EndedByRestart: false } && !container.Removed)
            {
                // It exited by itself: its removal is under way (waiting for this lock).
                removing = true;
                throw new ConflictException($"removal of container {container.Id} is already in progress");
            }
            if (container.Run is { Finished.IsCompleted: false } running)
            {
                running.EndedByRestart = true;
            }
            await StopLockedAsync(container, timeoutSeconds, byUser: false);
            await StartLockedAsync(container);
        }
        catch (EngineException) when (!removing && autoRemove && !container.Removed && !container.State.Running)
        {
            await RemoveAsync(container.Id, force: true, CancellationToken.None, removeVolumes: true);
            throw;
        }
        Events.Container(container, "restart");
    }

    /// <summary>Docker's wait conditions: not-running (default), next-exit, removed. Returns the exit code.</summary>
    public async Task<(int ExitCode, string? Error)> WaitAsync(string nameOrId, string? condition, CancellationToken cancellationToken)
    {
        var container = Store.Get(nameOrId);
        condition = string.IsNullOrEmpty(condition) ? "not-running" : condition;
        if (condition is not ("not-running" or "next-exit" or "removed"))
        {
            throw new InvalidArgumentException($"invalid condition: \"{condition}\"");
        }
        var first = true;
        while (true)
        {
            var changed = container.Changed;
            var state = container.State;
            var done = condition switch
            {
                "removed" => container.Removed && Store.TryGet(container.Id) is null,
                "next-exit" => !first && state.Status == ContainerStatus.Exited,
                _ => !state.Running && container.Run is not { Finished.IsCompleted: false },
            };
            if (done)
            {
                return (state.ExitCode, string.IsNullOrEmpty(state.Error) ? null : state.Error);
            }
            first = false;
            // The loop ends just after the exit's state change: wake for either. A loop already over is no reason to
            // wake (it made this a busy loop until the removal, which then waited for a thread pool thread).
            var finished = container.Run?.Finished;
            await Task.WhenAny(changed, finished is { IsCompleted: false } ? finished : Task.Delay(Timeout.Infinite, cancellationToken)).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Removes a container; <paramref name="removeVolumes"/> (`rm -v`, `--rm`) also its anonymous volumes.</summary>
    public async Task RemoveAsync(string nameOrId, bool force, CancellationToken cancellationToken, bool removeVolumes = false)
    {
        var container = Store.Get(nameOrId);
        using var _ = await LockAsync(container, cancellationToken);
        if (container.Removed)
        {
            throw new NotFoundException($"No such container: {nameOrId}");
        }
        var running = container.Run is { Finished.IsCompleted: false };
        if (running && !force)
        {
            throw new ConflictException($"You cannot remove a running container {container.Id}. Stop the container before attempting removal or force remove");
        }
        if (running)
        {
            container.Run!.RequestStop();
            await KillAllAsync(container, container.Run);
        }
        // `crun run` deletes its state when it exits: a `crun delete` (a whole crun start) only for what one left.
        if (_context.Runtime.HasState(container.Id))
        {
            await _context.Runtime.DeleteAsync(container.Id, CrunLog(container), CancellationToken.None);
        }
        // Before the container is gone for clients, so a `wait condition=removed` (docker run --rm) finds them gone too.
        if (removeVolumes)
        {
            foreach (var volume in container.Record.AnonymousVolumes?.Values ?? Enumerable.Empty<string>())
            {
                Volumes.Remove(volume);
            }
        }
        container.Removed = true;
        var doomed = Store.Remove(container);
        container.MarkRemoved();
        ForgetLock(container);
        Events.Container(container, "destroy");
        // After clients are told (a `wait condition=removed`, as docker run --rm sends, answers now): the runtime
        // bundle's files, and unmounting the rootfs, which waits for an RCU grace period in the kernel (tens of ms on a
        // loaded host). The DELETE request still answers only after them.
        var bundle = _context.Layout.Bundle(container.Id);
        if (Directory.Exists(bundle))
        {
            Directory.Delete(bundle, recursive: true);
        }
        RootFsMounter.Unmount(Path.Combine(doomed, "rootfs"));
        Directory.Delete(doomed, recursive: true);
    }

    public void Rename(string nameOrId, string newName)
    {
        var container = Store.Get(nameOrId);
        var oldName = container.Name;
        Store.Rename(container, newName);
        Events.Container(container, "rename", ("oldName", "/" + oldName));
    }

    /// <summary>
    /// At engine start: containers the last engine left running (it crashed) are cleaned up and marked exited, then
    /// those whose restart policy says so are started again.
    /// </summary>
    public async Task RestoreAsync(Action<string> report, CancellationToken cancellationToken)
    {
        foreach (var container in Store.List())
        {
            var state = container.State;
            var policy = RestartPolicy.Parse(container.Record.Config.HostConfig?.RestartPolicy);
            var shouldStart = policy.StartsWithEngine(state);
            if (state.Running || _context.Runtime.HasState(container.Id))
            {
                await _context.Runtime.KillAsync(container.Id, Signals.SIGKILL, CrunLog(container), cancellationToken);
                await _context.Runtime.DeleteAsync(container.Id, CrunLog(container), cancellationToken);
                _context.RootFs.Unmount(container);
                container.Update(s =>
                {
                    s.Status = ContainerStatus.Exited;
                    s.Pid = 0;
                    s.ExitCode = s.Running ? 255 : s.ExitCode;
                    s.FinishedAt ??= DateTimeOffset.UtcNow;
                });
            }
            if (container.Record.Config.HostConfig?.AutoRemove == true)
            {
                // As Docker: an auto-remove container the last engine left behind (it died first) goes now. Its state
                // was never written (Container.Update), and none has a restart policy.
                await RemoveAsync(container.Id, force: true, cancellationToken, removeVolumes: true);
                continue;
            }
            if (shouldStart)
            {
                try
                {
                    await StartAsync(container.Id, cancellationToken);
                }
                catch (EngineException e)
                {
                    report($"container {container.Name} ({container.Id[..12]}) did not restart: {e.Message}");
                }
            }
        }
    }

    /// <summary>
    /// At engine stop: every running container is stopped (its stop signal, 10 s, SIGKILL). Its state stays as the
    /// exit left it, and restart policies bring it back when the engine starts again.
    /// </summary>
    public async Task ShutdownAsync()
    {
        _context.ShuttingDown = true;
        var running = Store.List().Where(c => c.Run is { Finished.IsCompleted: false }).ToList();
        await Task.WhenAll(running.Select(async c =>
        {
            using var _ = await LockAsync(c, CancellationToken.None);
            await StopLockedAsync(c, null, byUser: false);
        }));
        // Auto-removals still deleting files (their clients were answered before the unmount and the delete).
        Task[] watches;
        lock (_locksGate)
        {
            watches = [.. _watches];
        }
        await Task.WhenAll(watches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private string CrunLog(Container container) => Path.Combine(_context.Layout.Bundle(container.Id), "crun.json");

    private async Task<IDisposable> LockAsync(Container container, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_locksGate)
        {
            if (!_locks.TryGetValue(container.Id, out gate!))
            {
                gate = _locks[container.Id] = new SemaphoreSlim(1, 1);
            }
        }
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private void ForgetLock(Container container)
    {
        lock (_locksGate)
        {
            _locks.Remove(container.Id);
        }
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
