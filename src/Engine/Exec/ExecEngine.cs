using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CorralOS.Engine.Containers;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Engine.Exec;

/// <summary>
/// Exec instances: created for a running container, started once with `crun exec` in the foreground (the engine
/// waits for its own child, as with `crun run`), inspected, resized. Kept in memory; an instance is forgotten with
/// its container.
/// </summary>
public sealed class ExecEngine
{
    private readonly ConcurrentDictionary<string, ExecInstance> _instances = new(StringComparer.Ordinal);
    private readonly ContainerStore _store;
    private readonly OciRuntime _runtime;
    private readonly string _execRoot;

    internal ExecEngine(ContainerStore store, OciRuntime runtime)
    {
        _store = store;
        _runtime = runtime;
        _execRoot = Path.GetDirectoryName(store.Layout.Bundles)!;
    }

    /// <summary>Told of exec_create, exec_start and exec_die (with the exit code).</summary>
    public Action<ExecInstance, string, int?>? Notify { get; set; }

    public ExecInstance Create(string containerNameOrId, ExecConfig config)
    {
        var container = _store.Get(containerNameOrId);
        if (config.Cmd is not { Count: > 0 })
        {
            throw new InvalidArgumentException("No exec command specified");
        }
        if (container.State.Status != ContainerStatus.Running)
        {
            throw new ConflictException($"Container {container.Id} is not running");
        }
        var instance = new ExecInstance(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), container, config);
        // The CLI sends its terminal's size with the create (height, width): the process starts with it.
        if (config.Tty && config.ConsoleSize is [var rows, var columns] && rows > 0 && columns > 0)
        {
            instance.Resize(rows, columns);
        }
        _instances[instance.Id] = instance;
        ForgetEnded();
        Notify?.Invoke(instance, "exec_create", null);
        return instance;
    }

    public ExecInstance Get(string id) =>
        _instances.TryGetValue(id, out var instance) ? instance : throw new NotFoundException($"No such exec instance: {id}");

    /// <summary>Runs the process to its end with the given streams; returns its exit code. Throws before anything ran.</summary>
    public async Task<int> RunAsync(ExecInstance instance, ExecStreams streams, Action? started = null)
    {
        if (instance.Container.State.Status != ContainerStatus.Running)
        {
            throw new ConflictException($"Container {instance.Container.Id} is not running");
        }
        if (!instance.TryStart())
        {
            throw new ConflictException($"Exec command {instance.Id} has already run");
        }
        var layout = _store.Layout;
        var bundle = layout.Bundle(instance.Container.Id);
        var name = "exec-" + instance.Id[..12];
        var processFile = Path.Combine(bundle, name + ".json");
        var pidFile = Path.Combine(bundle, name + ".pid");
        var logFile = Path.Combine(bundle, name + ".log");
        int exitCode;
        try
        {
            var process = ExecProcessSpec.Build(instance.Config, instance.Container, layout);
            // The runtime sizes the pty before the process starts: a resize once the master arrives would come after
            // the process may already have read its size.
            if (instance.Config.Tty && instance.RequestedSize is { } size)
            {
                process["consoleSize"] = new System.Text.Json.Nodes.JsonObject { ["height"] = size.Rows, ["width"] = size.Columns };
            }
            CorralOS.Linux.AtomicFile.Write(processFile, process.ToJsonString(), durable: false);
            instance.Starting(pidFile);
            started?.Invoke();
            Notify?.Invoke(instance, "exec_start", null);
            exitCode = instance.Config.Tty
                ? await RunWithTerminalAsync(instance, streams, processFile, pidFile, logFile)
                : await RunWithPipesAsync(instance, streams, processFile, pidFile, logFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or System.Text.Json.JsonException)
        {
            await streams.Output(2, System.Text.Encoding.UTF8.GetBytes($"OCI runtime exec failed: {e.Message}\n"));
            exitCode = 126;
        }
        finally
        {
            File.Delete(processFile);
            File.Delete(pidFile);
        }
        instance.Exited(exitCode);
        File.Delete(logFile);
        Notify?.Invoke(instance, "exec_die", exitCode);
        return exitCode;
    }

    private async Task<int> RunWithPipesAsync(ExecInstance instance, ExecStreams streams, string processFile, string pidFile, string logFile)
    {
        using var crun = _runtime.StartExec(instance.Container.Id, processFile, pidFile, logFile, consoleSocket: null);
        var stdout = PumpAsync(crun.StandardOutput.BaseStream, 1, streams);
        var stderr = PumpAsync(crun.StandardError.BaseStream, 2, streams);
        using var stopInput = new CancellationTokenSource();
        var input = instance.Config.AttachStdin && streams.Input is not null
            ? CopyInputAsync(streams.Input, crun.StandardInput.BaseStream, stopInput.Token)
            : CloseAsync(crun.StandardInput.BaseStream);
        var exited = crun.WaitForExitAsync();
        instance.SetPid(await ContainerRun.WaitForPidAsync(pidFile, exited));
        await exited;
        await Task.WhenAll(stdout, stderr);
        await stopInput.CancelAsync();
        return await FinishAsync(instance, crun, logFile, streams);
    }

    private async Task<int> RunWithTerminalAsync(ExecInstance instance, ExecStreams streams, string processFile, string pidFile, string logFile)
    {
        using var console = new ConsoleSocket(_execRoot);
        using var crun = _runtime.StartExec(instance.Container.Id, processFile, pidFile, logFile, console.Path);
        crun.StandardInput.Close();
        var drain = Task.WhenAll(crun.StandardOutput.ReadToEndAsync(), crun.StandardError.ReadToEndAsync());
        var exited = crun.WaitForExitAsync();
        using SafeFileHandle? master = await console.ReceiveAsync(exited);
        if (master is not null)
        {
            instance.AttachTerminal(master);
            // Unbuffered: reads and writes go straight to the pty, one of each at a time.
            using var terminal = new FileStream(master, FileAccess.ReadWrite, bufferSize: 0);
            using var stopInput = new CancellationTokenSource();
            var input = instance.Config.AttachStdin && streams.Input is not null
                ? TerminalPump.InputAsync(streams.Input, terminal, stopInput.Token)
                : Task.CompletedTask;
            var output = TerminalPump.OutputAsync(TerminalOutput.Start(terminal), data => streams.Output(1, data));
            instance.SetPid(await ContainerRun.WaitForPidAsync(pidFile, exited));
            await exited;
            await output;
            await stopInput.CancelAsync();
        }
        await exited;
        await drain;
        return await FinishAsync(instance, crun, logFile, streams);
    }

    // crun's status is the process's; when it never wrote the pid file the process never ran, and its error is told.
    private static async Task<int> FinishAsync(ExecInstance instance, Process crun, string logFile, ExecStreams streams)
    {
        if (instance.Pid > 0)
        {
            return crun.ExitCode;
        }
        var error = OciRuntime.LastError(logFile) ?? $"exited {crun.ExitCode.ToString(CultureInfo.InvariantCulture)}";
        await streams.Output(2, System.Text.Encoding.UTF8.GetBytes($"OCI runtime exec failed: {error}\n"));
        return 126;
    }

    public void Resize(string id, int rows, int columns)
    {
        var instance = Get(id);
        if (!instance.Config.Tty)
        {
            return;
        }
        instance.Resize(rows, columns);
    }

    // Instances of containers that are gone, and those that ended more than 100 instances ago, are dropped.
    private void ForgetEnded()
    {
        foreach (var (id, instance) in _instances)
        {
            if (instance.Container.Removed || (_instances.Count > 100 && instance.ExitCode is not null))
            {
                _instances.TryRemove(id, out _);
            }
        }
    }

    private static async Task PumpAsync(Stream source, int stream, ExecStreams streams)
    {
        var buffer = new byte[16384];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            await streams.Output(stream, buffer.AsMemory(0, read));
        }
    }

    private static async Task CopyInputAsync(Stream input, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await input.CopyToAsync(stdin, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the process went away.
        }
        await CloseAsync(stdin);
    }

    private static async Task CloseAsync(Stream stdin)
    {
        try
        {
            await stdin.DisposeAsync();
        }
        catch (IOException)
        {
            // The process exited without reading its input.
        }
    }
}
