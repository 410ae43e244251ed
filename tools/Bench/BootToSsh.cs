using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Testing;

/// <summary>
/// Boot to a usable system (issue 5 point 7), figures only: QEMU start → `CorralOS &lt;version&gt; started` and →
/// SSH answering (the console service, a config drive with a fresh key, user networking), next to the busybox floor
/// booted in the same loop; the guest's memory in use once SSH answers (MemTotal - MemAvailable); User Docker in the
/// same boot (UserDockerFigures.cs); and the smallest -m that still boots to SSH, by bisection between a size that did
/// and one assumed too small.
/// </summary>
internal static class BootToSsh
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(6);

    /// <summary>2 GiB, as the boot tests: User Docker's image and data live in the RAM root, half the memory (1 GiB runs out).</summary>
    private const int MeasureMiB = 2048;

    /// <summary>`docker run --rm` (and its floors) timed per boot, after one warm-up.</summary>
    private const int DockerRuns = 5;

    public static async Task RunAsync(int runs, int memorySteps, string floorInitrd)
    {
        var dir = Directory.CreateTempSubdirectory("corralos-bench-ssh-").FullName;
        try
        {
            var key = Path.Combine(dir, "id_ed25519");
            var (code, output) = await Tools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
            if (code != 0)
            {
                throw new InvalidOperationException("ssh-keygen: " + output);
            }
            var cloudConfig = $"#cloud-config\nssh_authorized_keys:\n  - {File.ReadAllText(key + ".pub").Trim()}\n";
            await MeasureAsync(runs, floorInitrd, key, cloudConfig);
            if (memorySteps > 0)
            {
                await BisectMemoryAsync(memorySteps, key, cloudConfig);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task MeasureAsync(int runs, string floorInitrd, string key, string cloudConfig)
    {
        var haveFloor = File.Exists(floorInitrd);
        var floor = new List<double>();
        var started = new List<double>();
        var ssh = new List<double>();
        var inUse = new List<double>();
        var floorInit = new List<double>();
        var phases = new BootPhases();
        var userDocker = new UserDockerFigures(DockerRuns);
        for (var run = 1; run <= runs; run++)
        {
            if (haveFloor)
            {
                await using var vm = await QemuVm.StartAsync(new QemuOptions { Name = "bench-floor", InitrdPath = floorInitrd, Network = false });
                floor.Add((await vm.WaitForConsoleAsync("FLOOR booted", s_timeout)).At.TotalSeconds);
                floorInit.Add((await vm.WaitForConsoleAsync(BootPhases.RunInit, TimeSpan.FromSeconds(1))).At.TotalSeconds);
            }
            await using (var vm = await QemuVm.StartAsync(Options("bench-ssh", MeasureMiB, cloudConfig)))
            {
                // SSH is polled from the start, not after `started`: the console may answer before the last service (User
                // Docker's) is up and `started` is printed.
                var sshAnswered = WaitForSshAsync(vm, key);
                started.Add((await vm.WaitForConsoleAsync(new Regex(@"CorralOS \S+ started"), s_timeout)).At.TotalSeconds);
                ssh.Add((await sshAnswered ?? throw new TimeoutException("SSH did not answer")).TotalSeconds);
                inUse.Add(await MemoryInUseMiBAsync(vm, key));
                await phases.AddAsync(vm);
                await userDocker.AddAsync(vm, key, started[^1]);
            }
            Console.Error.WriteLine($"  ssh run {run}/{runs}: {(haveFloor ? $"floor {floor[^1]:0.000} s, " : "")}started {started[^1]:0.000} s, " +
                                    $"SSH {ssh[^1]:0.000} s, {inUse[^1]:0} MiB in use");
        }

        Console.WriteLine();
        Console.WriteLine($"Boot to a usable system (console service, config drive, user networking, {MeasureMiB} MiB, " +
                          $"accelerator {await AcceleratorProbe.ResolveAsync()}; median, min, max of {runs})");
        Console.WriteLine($"  {"",-40} {"median",8} {"min",8} {"max",8}");
        if (haveFloor)
        {
            Row("floor: `FLOOR booted` (busybox initrd)", floor, "s");
        }
        Row("CorralOS: `CorralOS <version> started`", started, "s");
        Row("CorralOS: SSH answering", ssh, "s");
        Row("guest memory in use after boot (MiB)", inUse, "");
        if (haveFloor)
        {
            Console.WriteLine($"  `started` - floor                     {Median(started) - Median(floor),7:0.000} s");
            Console.WriteLine($"  SSH - floor                           {Median(ssh) - Median(floor),7:0.000} s");
            Row("floor: kernel runs /init", floorInit, "s");
        }
        phases.Print(Row);
        userDocker.Print(Row);
    }

    /// <summary>The goal's size first (256 MiB: boots to SSH or not), then bisection in 16 MiB units below or above it.</summary>
    private static async Task BisectMemoryAsync(int steps, string key, string cloudConfig)
    {
        const int Goal = 256;
        var atGoal = await BootsToSshAsync(Goal, key, cloudConfig);
        Console.Error.WriteLine($"  memory: -m {Goal}: {(atGoal ? "SSH answered" : "did not boot to SSH")}");
        Console.WriteLine($"  boots to SSH in {Goal} MiB (the goal): {(atGoal ? "yes" : "no")}");
        // Below the goal 64 MiB is assumed too small; above it 1024 MiB boots (the boot rows above used 2048).
        int low = atGoal ? 64 : Goal, high = atGoal ? Goal : 1024;
        for (var step = 1; step <= steps && high - low > 16; step++)
        {
            var size = (low + high) / 2 / 16 * 16;
            var booted = await BootsToSshAsync(size, key, cloudConfig);
            Console.Error.WriteLine($"  memory step {step}/{steps}: -m {size}: {(booted ? "SSH answered" : "did not boot to SSH")}");
            (low, high) = booted ? (low, size) : (size, high);
        }
        Console.WriteLine($"  smallest -m that boots to SSH (bisection, {steps} more boots): {high} MiB (bigger than {low} MiB)");
    }

    private static async Task<bool> BootsToSshAsync(int size, string key, string cloudConfig)
    {
        await using var vm = await QemuVm.StartAsync(Options($"bench-mem-{size}", size, cloudConfig));
        try
        {
            await vm.WaitForConsoleAsync(new Regex(@"CorralOS \S+ started"), s_timeout);
            return await WaitForSshAsync(vm, key) is not null;
        }
        catch (ConsoleTimeoutException)
        {
            return false;
        }
    }

    private static QemuOptions Options(string name, int memoryMiB, string cloudConfig) => new()
    {
        Name = name,
        Boot = BootMode.DirectKernel,
        InitShell = false,
        MemoryMiB = memoryMiB,
        CloudConfig = cloudConfig,
    };

    /// <summary>Time since QEMU started when `ssh true` first succeeded; null when it did not within the timeout.</summary>
    private static async Task<TimeSpan?> WaitForSshAsync(QemuVm vm, string key)
    {
        while (vm.Elapsed < s_timeout && !vm.HasExited)
        {
            if ((await SshAsync(vm, key, "true")).Code == 0)
            {
                return vm.Elapsed;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        return null;
    }

    internal static async Task<double> MemoryInUseMiBAsync(QemuVm vm, string key)
    {
        var (code, meminfo) = await SshAsync(vm, key, "cat /proc/meminfo");
        if (code != 0)
        {
            return double.NaN;
        }
        double Field(string name) =>
            double.Parse(Regex.Match(meminfo, $@"(?m)^{name}:\s+(\d+) kB").Groups[1].Value, CultureInfo.InvariantCulture);
        return (Field("MemTotal") - Field("MemAvailable")) / 1024;
    }

    internal static Task<(int Code, string Output)> SshAsync(QemuVm vm, string key, string command) =>
        Tools.RunAsync("ssh",
        [
            "-i", key, "-p", vm.SshPort.ToString(CultureInfo.InvariantCulture),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "rancher@127.0.0.1", command,
        ]);

    internal static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    internal static void Row(string label, List<double> xs, string unit) =>
        Console.WriteLine($"  {label,-40} {Median(xs),8:0.000} {xs.DefaultIfEmpty(double.NaN).Min(),8:0.000} {xs.DefaultIfEmpty(double.NaN).Max(),8:0.000}{(unit.Length > 0 ? " " + unit : "")}");
}
