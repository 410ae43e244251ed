using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Testing;

/// <summary>
/// Where a CorralOS boot spends its time, read back from the serial console once SSH answered (QEMU start = 0; the
/// kernel's lines print at its default console log level): the kernel unpacking the initrd, the kernel handing over
/// to /init, PID 1's boot phases (its own `boot phases done in N ms`), the services up to `started`, then SSH.
/// </summary>
internal sealed class BootPhases
{
    public const string RunInit = "Run /init as init process";

    private readonly List<double> _unpack = [];
    private readonly List<double> _runInit = [];
    private readonly List<double> _phases = [];
    private readonly List<double> _services = [];

    public async Task AddAsync(QemuVm vm)
    {
        var wait = TimeSpan.FromSeconds(1);
        var unpackStart = await vm.WaitForConsoleAsync("Trying to unpack rootfs image as initramfs", wait);
        var unpackEnd = await vm.WaitForConsoleAsync("Freeing initrd memory", wait);
        var runInit = await vm.WaitForConsoleAsync(RunInit, wait);
        var phasesDone = await vm.WaitForConsoleAsync(new Regex(@"boot phases done in (\d+) ms"), wait);
        var started = await vm.WaitForConsoleAsync(new Regex(@"CorralOS \S+ started"), wait);
        _unpack.Add((unpackEnd.At - unpackStart.At).TotalSeconds);
        _runInit.Add(runInit.At.TotalSeconds);
        _phases.Add(int.Parse(phasesDone.Match.Groups[1].Value, CultureInfo.InvariantCulture) / 1000.0);
        _services.Add((started.At - phasesDone.At).TotalSeconds);
    }

    public void Print(Action<string, List<double>, string> row)
    {
        Console.WriteLine("  where CorralOS's boot goes:");
        row("kernel unpacks the initrd", _unpack, "s");
        row("kernel runs /init", _runInit, "s");
        row("PID 1 boot phases (its own figure)", _phases, "s");
        row("boot phases done -> `started`", _services, "s");
    }
}
