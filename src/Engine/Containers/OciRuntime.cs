using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CorralOS.Linux;

namespace CorralOS.Engine.Containers;

/// <summary>
/// The one place that knows crun's command line. Every call is an argument list (never a shell string), with
/// `--root` (crun's state, under the exec root) and a JSON `--log` whose last error becomes the API's message.
/// </summary>
public sealed class OciRuntime(string runtimeRoot, string binary = "crun")
{
    public string Binary { get; } = binary;

    /// <summary>
    /// crun's --no-pivot (move the rootfs and chroot instead of pivot_root): pivot_root(2) refuses to leave an
    /// initramfs root, which is what PID 1 runs on in CorralOS (Docker's DOCKER_RAMDISK does the same).
    /// </summary>
    public bool NoPivot { get; init; }

    /// <summary>
    /// Whether `crun run` itself runs with address space randomization. Off only on an emulated CPU
    /// (<see cref="Host.RuntimeCapabilities.CpuIsEmulated"/>): QEMU's TCG reuses the code it translated for one process
    /// in the next only at the same addresses, so each randomized crun translated itself and its ten libraries anew,
    /// ~0.2 s per container start. The containers' own processes get randomization back (the spec's personality).
    /// </summary>
    public bool RandomizeAddresses { get; init; } = true;

    /// <summary>
    /// Starts `crun run` in the foreground: it creates the container, waits for it and exits with its status, so the
    /// engine only ever waits for its own child (no waitpid(-1), nothing for the PID-1 runtime to steal).
    /// </summary>
    public Process StartRun(string id, string bundle, string pidFile, string logFile, string? consoleSocket = null, bool keepStdin = false)
    {
        var args = new List<string> { "run" };
        if (NoPivot)
        {
            args.Add("--no-pivot");
        }
        if (consoleSocket is not null)
        {
            // The container's terminal: crun sends its pty master here.
            args.Add("--console-socket=" + consoleSocket);
        }
        args.AddRange(["--bundle", bundle, "--pid-file", pidFile, id]);
        var info = Start(logFile, [.. args]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        var process = RandomizeAddresses
            ? Process.Start(info) ?? throw new InvalidOperationException($"{Binary} did not start")
            : AddressRandomization.StartWithout(info);
        // Without OpenStdin (-i) the container's stdin is an empty pipe, as Docker gives it /dev/null.
        if (!keepStdin)
        {
            process.StandardInput.Close();
        }
        return process;
    }

    /// <summary>
    /// Starts `crun exec --process FILE` in the foreground: it runs one more process in the container and exits with
    /// its status. With a terminal in the process file, crun sends the pty master to <paramref name="consoleSocket"/>.
    /// </summary>
    public Process StartExec(string id, string processFile, string pidFile, string logFile, string? consoleSocket)
    {
        var args = new List<string> { "exec", "--process", processFile, "--pid-file", pidFile };
        if (consoleSocket is not null)
        {
            args.Add("--console-socket=" + consoleSocket);
        }
        args.Add(id);
        var info = Start(logFile, [.. args]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        return Process.Start(info) ?? throw new InvalidOperationException($"{Binary} did not start");
    }

    /// <summary>`crun kill ID SIGNAL`; false when the container is not (or no longer) running.</summary>
    /// <param name="all">
    /// Every process in the container's cgroup, not only its init (`crun kill --all`): without a PID namespace of its
    /// own, what the init left running (daemons it started) does not die with it, and crun run waits for them.
    /// </param>
    public async Task<bool> KillAsync(string id, int signal, string logFile, CancellationToken cancellationToken, bool all = false)
    {
        var info = all
            ? Start(logFile, "kill", "--all", id, signal.ToString(CultureInfo.InvariantCulture))
            : Start(logFile, "kill", id, signal.ToString(CultureInfo.InvariantCulture));
        var (exit, _) = await RunAsync(info, cancellationToken);
        return exit == 0;
    }

    /// <summary>`crun delete --force ID`: removes crun's state (and kills what is left); a missing container is fine.</summary>
    public async Task DeleteAsync(string id, string logFile, CancellationToken cancellationToken)
    {
        await RunAsync(Start(logFile, "delete", "--force", id), cancellationToken);
    }

    /// <summary>Whether crun still has state for the container (after an engine crash).</summary>
    public bool HasState(string id) => Directory.Exists(Path.Combine(runtimeRoot, id));

    /// <summary>The last error crun wrote to its JSON log, for the API's message.</summary>
    public static string? LastError(string logFile)
    {
        if (!File.Exists(logFile))
        {
            return null;
        }
        string? last = null;
        foreach (var line in File.ReadLines(logFile))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("msg", out var msg) && msg.ValueKind == JsonValueKind.String
                    && (!doc.RootElement.TryGetProperty("level", out var level) || level.GetString() is "error" or "fatal"))
                {
                    last = msg.GetString();
                }
            }
            catch (JsonException)
            {
                last = line.Trim();
            }
        }
        return last;
    }

    private ProcessStartInfo Start(string logFile, params string[] args)
    {
        // From a sealed copy (made once per process), so crun does not re-execute itself from one of its own.
        var info = new ProcessStartInfo(SealedExecutable.PathFor(Binary)) { UseShellExecute = false };
        foreach (var arg in new[] { "--root", runtimeRoot, "--log", logFile, "--log-format=json" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    private async Task<(int Exit, string Error)> RunAsync(ProcessStartInfo info, CancellationToken cancellationToken)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{Binary} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        return (process.ExitCode, await error);
    }
}
