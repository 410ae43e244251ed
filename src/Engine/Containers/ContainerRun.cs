using System.Diagnostics;
using System.Globalization;

namespace CorralOS.Engine.Containers;

/// <summary>
/// One started container: the loop that runs it with `crun run` (a foreground child the engine waits for), writes
/// its output to the json-file log, records its exit, and starts it again as the restart policy says.
/// </summary>
internal sealed class ContainerRun
{
    private readonly Container _container;
    private readonly ContainerRuntimeContext _context;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string?> _firstStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _runtimePid; // `crun run`'s pid while it runs, else 0

    private ContainerRun(Container container, ContainerRuntimeContext context)
    {
        _container = container;
        _context = context;
    }

    /// <summary>Completes when the loop is over (the container is stopped for good).</summary>
    public Task Finished { get; private set; } = Task.CompletedTask;

    /// <summary>Set by stop/kill/remove: the next exit is final.</summary>
    public bool StopRequested => _stop.IsCancellationRequested;

    /// <summary>Starts the loop; returns once the first `crun run` created the container, or throws its error.</summary>
    public static async Task<ContainerRun> StartAsync(Container container, ContainerRuntimeContext context)
    {
        var run = new ContainerRun(container, context);
        run.Finished = Task.Run(run.LoopAsync);
        var error = await run._firstStart.Task;
        if (error is not null)
        {
            await run.Finished;
            throw new RuntimeFailedException(error);
        }
        return run;
    }

    /// <summary>
    /// Set by a restart (`docker restart`) before it stops this run: its end is not the container's final exit, so an
    /// auto-remove (--rm) container is kept for the next run, as Docker keeps it (moby's HasBeenManuallyRestarted).
    /// </summary>
    public bool EndedByRestart { get; set; }

    /// <summary>No more restarts; the caller then signals the container.</summary>
    public void RequestStop() => _stop.Cancel();

    /// <summary>
    /// SIGKILLs every process left under the current `crun run`. crun run is a subreaper and waits for all of them, but
    /// `crun kill --all` reaches only the container's cgroup: in a container without a PID namespace of its own, a
    /// process that moved to another cgroup (a user container of the Docker running in it) would keep it waiting for ever.
    /// </summary>
    public void KillStragglers()
    {
        var runtime = _runtimePid;
        if (runtime == 0)
        {
            return;
        }
        foreach (var pid in Linux.Processes.Descendants(runtime))
        {
            try
            {
                Linux.Processes.Kill(pid, Linux.Signals.SIGKILL);
            }
            catch (Linux.SystemCallException)
            {
                // It ended meanwhile.
            }
        }
    }

    private async Task LoopAsync()
    {
        var policy = RestartPolicy.Parse(_container.Record.Config.HostConfig?.RestartPolicy);
        var consecutive = 0;
        var first = true;
        while (true)
        {
            var started = DateTimeOffset.UtcNow;
            var (exitCode, error) = await RunOnceAsync(first);
            if (first)
            {
                first = false;
                if (error is not null)
                {
                    _firstStart.TrySetResult(error);
                    return;
                }
            }
            consecutive = DateTimeOffset.UtcNow - started > TimeSpan.FromSeconds(10) ? 0 : consecutive + 1;
            var state = _container.State;
            if (_stop.IsCancellationRequested || _context.ShuttingDown || _container.Removed
                || !policy.RestartsAfter(exitCode, state.RestartCount, state.StoppedByUser))
            {
                return;
            }
            _container.Update(s => s.Status = ContainerStatus.Restarting);
            try
            {
                await Task.Delay(RestartPolicy.Delay(consecutive - 1), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                _container.Update(s => s.Status = ContainerStatus.Exited);
                return;
            }
            _container.Update(s => s.RestartCount++);
        }
    }

    /// <summary>One `crun run`: mount, spec, run, log, wait, unmount. Returns the exit code, or the error that kept it from starting.</summary>
    private async Task<(int ExitCode, string? Error)> RunOnceAsync(bool first)
    {
        var id = _container.Id;
        var layout = _context.Layout;
        var bundle = layout.Bundle(id);
        var crunLog = Path.Combine(bundle, "crun.json");
        var pidFile = Path.Combine(bundle, "pid");
        var config = _container.Record.Config;
        Process? crun = null;
        ConsoleSocket? console = null;
        string? cgroupsPath = null;
        LineLog? log = null;
        try
        {
            _context.RootFs.Mount(_container);
            Directory.CreateDirectory(bundle);
            File.Delete(crunLog);
            File.Delete(pidFile);
            var spec = _context.SpecBuilder.Build(_container);
            cgroupsPath = spec["linux"]?["cgroupsPath"]?.GetValue<string>();
            spec["process"]!["terminal"] = config.Tty;
            // The bundle is runtime state under the exec root, rewritten at each start: no sync needed.
            CorralOS.Linux.AtomicFile.Write(Path.Combine(bundle, "config.json"), spec.ToJsonString(), durable: false);
            console = config.Tty ? new ConsoleSocket(Path.GetDirectoryName(layout.Bundles)!) : null;
            log = LogDrivers.Open(_container, layout);
            crun = _context.Runtime.StartRun(id, bundle, pidFile, crunLog, console?.Path, keepStdin: config.OpenStdin && !config.Tty);
            _runtimePid = crun.Id;
        }
        catch (Exception e) when (e is EngineException or IOException or UnauthorizedAccessException or Linux.SystemCallException or System.ComponentModel.Win32Exception)
        {
            console?.Dispose();
            log?.Dispose();
            _context.RootFs.Unmount(_container);
            return Failed(e.Message, first);
        }

        using (console)
        using (crun)
        using (log)
        {
            // Interactive containers (-i, -t), and those whose log driver cannot be followed, also hand their output
            // to attached clients as it comes.
            var io = _container.LiveOutput ? _container.Io : null;
            var stdout = log.PumpAsync(crun.StandardOutput.BaseStream, "stdout", io is null ? null : data => io.PublishAsync(1, data));
            var stderr = log.PumpAsync(crun.StandardError.BaseStream, "stderr", io is null ? null : data => io.PublishAsync(2, data));
            var exited = crun.WaitForExitAsync();
            FileStream? terminal = null;
            var terminalOutput = Task.CompletedTask;
            if (console is not null && await console.ReceiveAsync(exited) is { } master)
            {
                // Unbuffered: reads and writes go straight to the pty.
                terminal = new FileStream(master, FileAccess.ReadWrite, bufferSize: 0);
                terminalOutput = log.PumpAsync(TerminalOutput.Start(terminal), "stdout", io is null ? null : data => io.PublishAsync(1, data));
            }
            var pid = await WaitForPidAsync(pidFile, exited);
            using var oom = pid > 0 && cgroupsPath is not null ? OomWatch.Start(cgroupsPath) : null;
            if (pid > 0 && io is not null && _container.Interactive)
            {
                io.Started(terminal ?? crun.StandardInput.BaseStream, terminal?.SafeFileHandle);
            }
            if (pid > 0)
            {
                _container.Update(s =>
                {
                    s.Status = ContainerStatus.Running;
                    s.Pid = pid;
                    s.StartedAt = DateTimeOffset.UtcNow;
                    s.Error = "";
                    s.ExitCode = 0;
                    s.OomKilled = false;
                    s.StoppedByUser = false;
                });
                if (first)
                {
                    _firstStart.TrySetResult(null);
                }
            }
            await exited;
            _runtimePid = 0;
            await Task.WhenAll(stdout, stderr, terminalOutput);
            io?.Ended();
            if (terminal is not null)
            {
                await terminal.DisposeAsync();
            }
            var exitCode = crun.ExitCode;
            // An auto-remove container's rootfs is unmounted by its removal, after the clients waiting for it are told.
            if (pid <= 0 || config.HostConfig?.AutoRemove != true || _context.ShuttingDown)
            {
                _context.RootFs.Unmount(_container);
            }
            if (pid <= 0)
            {
                return Failed(OciRuntime.LastError(crunLog) ?? $"{_context.Runtime.Binary} exited {exitCode.ToString(CultureInfo.InvariantCulture)} before the container started", first);
            }
            var oomKilled = oom?.Killed(exitCode, _container.State.StoppedByUser) ?? false;
            if (oomKilled)
            {
                _context.Events?.Container(_container, "oom");
            }
            // Told before the state changes, so a client woken by the exit (wait) finds the event already there.
            _context.Events?.Container(_container, "die", ("exitCode", exitCode.ToString(CultureInfo.InvariantCulture)));
            _container.Update(s =>
            {
                s.Status = ContainerStatus.Exited;
                s.Pid = 0;
                s.ExitCode = exitCode;
                s.OomKilled = oomKilled;
                s.FinishedAt = DateTimeOffset.UtcNow;
            });
            return (exitCode, null);
        }
    }

    private (int, string?) Failed(string message, bool first)
    {
        var error = $"OCI runtime create failed: {message}";
        _container.Update(s =>
        {
            s.Status = first && s.StartedAt is null ? ContainerStatus.Created : ContainerStatus.Exited;
            s.Pid = 0;
            s.ExitCode = 128;
            s.Error = error;
            s.FinishedAt = DateTimeOffset.UtcNow;
        });
        return (128, error);
    }

    // crun writes the pid file once the container exists; if crun exits first, the container never started. Woken
    // by inotify when the file is created or written (checked after the watch is set, so no write is missed).
    private static readonly TimeSpan s_pidFilePoll = TimeSpan.FromMilliseconds(50);

    internal static async Task<int> WaitForPidAsync(string pidFile, Task exited)
    {
        // Not disposed: a late event of the watcher may still release it (it holds no handle until one is asked for).
        var written = new SemaphoreSlim(0);
        using var watcher = PidFileWatcher(pidFile, written);
        while (true)
        {
            var pid = ReadPid(pidFile);
            if (pid > 0)
            {
                return pid;
            }
            if (exited.IsCompleted)
            {
                return ReadPid(pidFile);
            }
            // Without a watch (no inotify instance left), a short poll; with one, still a slow poll, since a runtime
            // may write the file in a way no event announces as this name (a temporary file renamed over it).
            await Task.WhenAny(exited, watcher is null ? Task.Delay(5) : written.WaitAsync(s_pidFilePoll));
        }
    }

    /// <summary>The pid crun wrote to <paramref name="pidFile"/>, or 0 while it has not (or never will).</summary>
    internal static int ReadPid(string pidFile)
    {
        // Checked first: the file is missing at the first look of every start, and a thrown and caught exception
        // (a stack unwind in NativeAOT, seen in perf's samples) costs far more than the check.
        if (!File.Exists(pidFile))
        {
            return 0;
        }
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : 0;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private static FileSystemWatcher? PidFileWatcher(string pidFile, SemaphoreSlim written)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(Path.GetDirectoryName(pidFile)!, Path.GetFileName(pidFile))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Created += (_, _) => written.Release();
            watcher.Changed += (_, _) => written.Release();
            watcher.Renamed += (_, _) => written.Release();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            return null;
        }
    }
}
