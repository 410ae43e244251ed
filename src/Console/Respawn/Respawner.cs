using System.Diagnostics;
using CorralOS.Compose;
using CorralOS.Linux;

namespace CorralOS.Console.Respawn;

/// <summary>
/// Runs each line as a command (split into words like a simple shell line, started without a shell) and starts it
/// again whenever it exits. A line that restarts more than <see cref="RespawnOptions.RestartLimit"/> times within
/// <see cref="RespawnOptions.Window"/> waits <see cref="RespawnOptions.Backoff"/> before its next start. When the
/// token is cancelled every child gets SIGTERM, then SIGKILL after the grace period, and the run ends once all have
/// exited. Children are started by System.Diagnostics.Process, which also reaps them.
/// </summary>
public sealed class Respawner
{
    private readonly IReadOnlyList<string> _lines;
    private readonly RespawnOptions _options;
    private readonly Lock _lock = new();
    private readonly HashSet<Process> _running = [];
    private bool _stopping;

    public Respawner(IReadOnlyList<string> lines, RespawnOptions options)
    {
        _lines = lines;
        _options = options;
    }

    /// <summary>The command lines of a respawn.conf: blank lines and # comments skipped.</summary>
    public static IReadOnlyList<string> ReadLines(string file) =>
        File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    public async Task RunAsync(CancellationToken stop)
    {
        using var onStop = stop.Register(StopChildren);
        var supervisors = _lines.Select(line => Task.Run(() => SuperviseAsync(line, stop), CancellationToken.None)).ToList();
        await Task.WhenAll(supervisors).ConfigureAwait(false);
    }

    private async Task SuperviseAsync(string line, CancellationToken stop)
    {
        var restarts = new Queue<long>();
        IReadOnlyList<string> words;
        try
        {
            words = ShellWords.Split(line);
        }
        catch (FormatException e)
        {
            _options.Log.WriteLine($"respawn: {e.Message}; line ignored");
            return;
        }
        if (words.Count == 0)
        {
            return;
        }
        while (!stop.IsCancellationRequested)
        {
            var exit = await RunOnceAsync(line, words).ConfigureAwait(false);
            _options.Observer?.Invoke(new RespawnEvent(RespawnEventKind.Exited, line, exit));
            if (stop.IsCancellationRequested)
            {
                break;
            }
            var now = Stopwatch.GetTimestamp();
            restarts.Enqueue(now);
            while (Stopwatch.GetElapsedTime(restarts.Peek(), now) > _options.Window)
            {
                restarts.Dequeue();
            }
            if (restarts.Count > _options.RestartLimit)
            {
                _options.Log.WriteLine($"respawn: '{line}' restarted {restarts.Count} times within {_options.Window.TotalSeconds:0.###} s; waiting {_options.Backoff.TotalSeconds:0.###} s");
                _options.Observer?.Invoke(new RespawnEvent(RespawnEventKind.BackingOff, line, 0));
                restarts.Clear();
                try
                {
                    await Task.Delay(_options.Backoff, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    // One run of the line; its exit code, or -1 when it could not be started.
    private async Task<int> RunOnceAsync(string line, IReadOnlyList<string> words)
    {
        Process process;
        lock (_lock)
        {
            if (_stopping)
            {
                return -1;
            }
            try
            {
                process = ProgramRunner.Start(words);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                _options.Log.WriteLine($"respawn: '{line}' did not start: {e.Message}");
                return -1;
            }
            _running.Add(process);
        }
        using (process)
        {
            _options.Observer?.Invoke(new RespawnEvent(RespawnEventKind.Started, line, process.Id));
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            lock (_lock)
            {
                _running.Remove(process);
            }
            return process.ExitCode;
        }
    }

    private void StopChildren()
    {
        List<Process> children;
        lock (_lock)
        {
            _stopping = true;
            children = [.. _running];
        }
        foreach (var child in children)
        {
            Signal(child, Signals.SIGTERM);
        }
        if (children.Count > 0)
        {
            _ = Task.Delay(_options.StopGrace).ContinueWith(_ =>
            {
                foreach (var child in children)
                {
                    Signal(child, Signals.SIGKILL);
                }
            }, TaskScheduler.Default);
        }
    }

    private static void Signal(Process child, int signal)
    {
        try
        {
            if (!child.HasExited)
            {
                Processes.Kill(child.Id, signal);
            }
        }
        catch (Exception e) when (e is SystemCallException or InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
