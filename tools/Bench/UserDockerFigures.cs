using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Testing;

/// <summary>
/// User Docker in the boot-to-SSH VM (issue 7 point 7), measured over SSH once SSH answers: QEMU start and `started`
/// → `wait-for-docker` returning (dockerd's /_ping answering), split at dockerd's `Starting up` (its log's time placed
/// on the QEMU clock through the guest's clock when it answered); the guest's memory in use with User Docker up and
/// idle; then, with System Docker's busybox image (corralos/os-base) imported from its root filesystem written out by System Docker (no network),
/// `docker run --rm IMAGE true` timed in the guest (EPOCHREALTIME around each command, one warm-up run first), also
/// with `--network none` (no bridge, veth or iptables work), next to `sudo system-docker run --rm` of the same image
/// and `docker version` (the CLI's own start and one API round trip).
/// </summary>
internal sealed partial class UserDockerFigures(int runs)
{
    private static readonly string s_image = $"corralos/os-base:{RepoPaths.Version}";

    private readonly List<double> _answering = [];
    private readonly List<double> _afterStarted = [];
    private readonly List<double> _beforeDockerd = [];
    private readonly List<double> _dockerdStartup = [];
    private readonly List<double> _inUse = [];
    private readonly List<double> _dockerRun = [];
    private readonly List<double> _dockerRunNoNetwork = [];
    private readonly List<double> _systemDockerRun = [];
    private readonly List<double> _dockerVersion = [];

    public async Task AddAsync(QemuVm vm, string key, double startedAt)
    {
        // The guest's clock when it answered places dockerd's log lines on the QEMU clock.
        var (code, output) = await BootToSsh.SshAsync(vm, key, "wait-for-docker --timeout 600 && echo $EPOCHREALTIME");
        if (code != 0)
        {
            Console.Error.WriteLine("  User Docker did not answer: " + output.Trim());
            return;
        }
        var answered = vm.Elapsed.TotalSeconds;
        var guestNow = double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
        _answering.Add(answered);
        _afterStarted.Add(answered - startedAt);
        var (startingUp, apiListen) = await DockerdStartupAsync(vm, key);
        _beforeDockerd.Add(answered - (guestNow - startingUp) - startedAt);
        _dockerdStartup.Add(apiListen - startingUp);
        // Idle: nothing has touched dockerd yet but wait-for-docker's ping; let its start settle.
        await Task.Delay(TimeSpan.FromSeconds(5));
        _inUse.Add(await BootToSsh.MemoryInUseMiBAsync(vm, key));

        (code, output) = await BootToSsh.SshAsync(vm, key, GuestImages.ImportBase(s_image));
        if (code != 0)
        {
            Console.Error.WriteLine("  docker import failed: " + output.Trim());
            return;
        }
        _dockerRun.AddRange(await TimeAsync(vm, key, $"docker run --rm {s_image} true"));
        _dockerRunNoNetwork.AddRange(await TimeAsync(vm, key, $"docker run --rm --network none {s_image} true"));
        _systemDockerRun.AddRange(await TimeAsync(vm, key, $"sudo system-docker run --rm {s_image} true"));
        _dockerVersion.AddRange(await TimeAsync(vm, key, "docker version"));
        Console.Error.WriteLine($"  user docker: answering {_answering[^1]:0.000} s ({_afterStarted[^1]:0.000} s after `started`), " +
                                $"{_inUse[^1]:0} MiB in use, docker run --rm {BootToSsh.Median(_dockerRun):0.000} s");
    }

    public void Print(Action<string, List<double>, string> row)
    {
        Console.WriteLine($"  User Docker (the run rows: {runs} runs a boot after a warm-up; os-base is busybox, `docker import`ed from its root filesystem):");
        if (_answering.Count == 0)
        {
            Console.WriteLine("    User Docker did not answer: no figures");
            return;
        }
        row("QEMU start -> `wait-for-docker` returns", _answering, "s");
        row("`started` -> `wait-for-docker` returns", _afterStarted, "s");
        row("  of which `started` -> dockerd starts", _beforeDockerd, "s");
        row("  of which dockerd: `Starting up` -> API", _dockerdStartup, "s");
        row("memory in use, User Docker idle (MiB)", _inUse, "");
        if (_dockerRun.Count > 0)
        {
            row("`docker run --rm os-base true`", _dockerRun, "s");
            row("  the same with `--network none`", _dockerRunNoNetwork, "s");
            row("`sudo system-docker run --rm` the same", _systemDockerRun, "s");
            row("`docker version` (the CLI's floor)", _dockerVersion, "s");
        }
    }

    /// <summary>Wall time of <paramref name="command"/> in the guest, in seconds, per run after one unrecorded warm-up.</summary>
    private async Task<List<double>> TimeAsync(QemuVm vm, string key, string command)
    {
        var script = $"i=0; while [ $i -le {runs} ]; do s=$EPOCHREALTIME; {command} >/dev/null 2>&1 || echo failed; " +
                     "e=$EPOCHREALTIME; echo \"$s $e\"; i=$((i+1)); done";
        var (code, output) = await BootToSsh.SshAsync(vm, key, script);
        if (code != 0 || output.Contains("failed", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"  `{command}` failed: {output.Trim()}");
            return [];
        }
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray())
            .Select(t => t[1] - t[0]).ToList();
    }

    /// <summary>dockerd's last `Starting up` and the `API listen on` after it, in Unix seconds of the guest's clock (its log's times).</summary>
    private static async Task<(double StartingUp, double ApiListen)> DockerdStartupAsync(QemuVm vm, string key)
    {
        var (_, log) = await BootToSsh.SshAsync(vm, key, "sudo cat /var/log/docker.log");
        var lines = log.Split('\n');
        var start = Array.FindLastIndex(lines, l => l.Contains("msg=\"Starting up\"", StringComparison.Ordinal));
        var listen = start < 0 ? -1 : Array.FindIndex(lines, start, l => l.Contains("API listen on", StringComparison.Ordinal));
        return listen < 0 ? (double.NaN, double.NaN) : (Time(lines[start]), Time(lines[listen]));

        static double Time(string line) =>
            DateTimeOffset.Parse(LogTime().Match(line).Groups[1].Value, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0;
    }

    [GeneratedRegex("time=\"([^\"]+)\"")]
    private static partial Regex LogTime();
}
