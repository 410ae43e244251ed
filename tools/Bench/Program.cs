using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Testing;

// Figures only, no assertions. Usage: CorralOS.Bench [--runs N] [--floor-initrd PATH]
//   or CorralOS.Bench --boot-to-ssh [--runs N] [--memory-steps N] [--floor-initrd PATH] (BootToSsh.cs)
//   or CorralOS.Bench --install-upgrade [--upgrade-os ARCHIVE] [--upgrade-note TEXT] (InstallFigures.cs; without an
//      archive the upgrade is not measured and TEXT says why)
//   or CorralOS.Bench --engine-run SOCKET IMAGE [--crun-baseline BUNDLE ROOT] [--runs N] (EngineRun.cs: `run --rm IMAGE
//   true` through the API, alternating with `crun run` of an equivalent bundle)
var runs = 5;
var bootToSsh = false;
var memorySteps = 3;
var floorInitrd = Path.Combine(RepoPaths.Out, "bench", "floor-initrd");
string? engineSocket = null;
EngineRun.CrunBaseline? crunBaseline = null;
var engineImage = "";
var installUpgrade = false;
string? upgradeOs = null;
var upgradeNote = "no second version given";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--floor-initrd":
            floorInitrd = Path.GetFullPath(args[++i]);
            break;
        case "--boot-to-ssh":
            bootToSsh = true;
            break;
        case "--engine-run":
            engineSocket = args[++i];
            engineImage = args[++i];
            break;
        case "--crun-baseline":
            crunBaseline = new EngineRun.CrunBaseline(Path.GetFullPath(args[++i]), Path.GetFullPath(args[++i]));
            break;
        case "--install-upgrade":
            installUpgrade = true;
            break;
        case "--upgrade-os":
            upgradeOs = Path.GetFullPath(args[++i]);
            break;
        case "--upgrade-note":
            upgradeNote = args[++i];
            break;
        case "--memory-steps":
            memorySteps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine("usage: CorralOS.Bench [--runs N] [--floor-initrd PATH] | --boot-to-ssh [--runs N] [--memory-steps N] [--floor-initrd PATH] | --install-upgrade [--upgrade-os ARCHIVE] [--upgrade-note TEXT] | --engine-run SOCKET IMAGE [--crun-baseline BUNDLE ROOT] [--runs N]");
            return 2;
    }
}

if (engineSocket is not null)
{
    // Enough unprinted runs for the client's own code to be JIT-compiled at its final tier (after 30 calls and a
    // pause), so neither its first slow runs nor the background compilation are charged to the engine.
    return await EngineRun.RunAsync(engineSocket, engineImage, runs, warmup: 60, crunBaseline);
}

if (installUpgrade)
{
    await InstallFigures.RunAsync(upgradeOs, upgradeNote);
    return 0;
}

if (bootToSsh)
{
    await BootToSsh.RunAsync(runs, memorySteps, floorInitrd);
    return 0;
}

var timeout = TimeSpan.FromMinutes(5);
var accel = await AcceleratorProbe.ResolveAsync();
Console.WriteLine($"CorralOS {RepoPaths.Version} bench: {runs} direct kernel boots each, accelerator {accel}, 1 vCPU, 1024 MiB, no network");
Console.WriteLine();
Console.WriteLine("Sizes");
foreach (var (label, path) in new[]
         {
             ("dist/corralos.iso", RepoPaths.Iso), ("dist/initrd", RepoPaths.Initrd), ("dist/vmlinuz", RepoPaths.Kernel),
             ("dist/ros", RepoPaths.Ros), ("floor initrd", floorInitrd),
         })
{
    Console.WriteLine(File.Exists(path)
        ? $"  {label,-20} {new FileInfo(path).Length / 1048576.0,8:0.00} MiB  ({new FileInfo(path).Length:N0} bytes)"
        : $"  {label,-20} missing ({path})");
}

Console.WriteLine();
var haveFloor = File.Exists(floorInitrd);
var floor = new List<double>();
var first = new List<double>();
var done = new List<double>();
for (var run = 1; run <= runs; run++)
{
    // Alternate floor and CorralOS so that machine load drifts affect both alike.
    if (haveFloor)
    {
        await using var vm = await QemuVm.StartAsync(Options("bench-floor", floorInitrd));
        var m = await vm.WaitForConsoleAsync("FLOOR booted", timeout);
        floor.Add(m.At.TotalSeconds);
    }

    await using (var vm = await QemuVm.StartAsync(Options("bench-corralos", RepoPaths.Initrd)))
    {
        var banner = await vm.WaitForConsoleAsync(new Regex(@"CorralOS \S+ booting"), timeout);
        var phases = await vm.WaitForConsoleAsync("init: boot phases done", timeout);
        first.Add(banner.At.TotalSeconds);
        done.Add(phases.At.TotalSeconds);
    }

    Console.Error.WriteLine(
        $"  run {run}/{runs}: {(haveFloor ? $"floor {floor[^1]:0.000} s, " : "")}first line {first[^1]:0.000} s, phases done {done[^1]:0.000} s");
}

Console.WriteLine($"Boot time from QEMU start (seconds; median, min, max of {runs})");
Console.WriteLine($"  {"",-40} {"median",8} {"min",8} {"max",8}");
if (haveFloor)
{
    Row("floor: `FLOOR booted` (busybox initrd)", floor);
}

Row("CorralOS: first `CorralOS` line", first);
Row("CorralOS: `init: boot phases done`", done);
Console.WriteLine();
if (haveFloor)
{
    Console.WriteLine("Ratios to the floor (medians)");
    Console.WriteLine($"  first `CorralOS` line / floor         {Median(first) / Median(floor),6:0.00}x  (+{Median(first) - Median(floor):0.000} s)");
    Console.WriteLine($"  `init: boot phases done` / floor      {Median(done) / Median(floor),6:0.00}x  (+{Median(done) - Median(floor):0.000} s)");
}
else
{
    Console.WriteLine($"No floor initrd at {floorInitrd} (make floor-initrd): ratios not measured.");
}

Console.WriteLine($"  boot phases alone (done - first line) {Median(done) - Median(first),7:0.000} s");
return 0;

static QemuOptions Options(string name, string initrd) => new()
{
    Name = name,
    Boot = BootMode.DirectKernel,
    InitrdPath = initrd,
    Network = false,
};

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
}

static void Row(string label, List<double> xs) =>
    Console.WriteLine($"  {label,-40} {Median(xs),8:0.000} {xs.Min(),8:0.000} {xs.Max(),8:0.000}");
