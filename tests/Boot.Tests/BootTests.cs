using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>The checks every boot mode must pass, run on one VM per mode. Poweroff runs last (it ends the VM).</summary>
public abstract class BootTests<TVm>(TVm fixture) : IClassFixture<TVm>
    where TVm : BootedVm
{
    /// <summary>The phases PID 1 runs before it starts a shell, in the order it runs them.</summary>
    public static readonly string[] ExpectedPhases = ["mounts", "config", "modules", "state", "sysctl", "loopback", "hostname"];

    private static readonly TimeSpan s_command = TimeSpan.FromSeconds(60);

    protected QemuVm Vm => fixture.Vm;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The console from init's first line on, CR and escape sequences removed.</summary>
    protected string InitConsole
    {
        get
        {
            var text = SerialConsole.Clean(Vm.Console.Text);
            var banner = text.IndexOf("CorralOS " + RepoPaths.Version + " booting", StringComparison.Ordinal);
            return banner < 0 ? text : text[banner..];
        }
    }

    [Fact]
    [TestOrder(1)]
    public void Init_prints_the_version_banner_first()
    {
        var text = SerialConsole.Clean(Vm.Console.Text);
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var banner = lines.IndexOf($"CorralOS {RepoPaths.Version} booting");
        Assert.True(banner >= 0, $"no line `CorralOS {RepoPaths.Version} booting` on the console:\n{Vm.Console.Tail()}");
        var firstInitLine = lines.FindIndex(l => l.StartsWith("init:", StringComparison.Ordinal));
        Assert.True(firstInitLine > banner, "an init: line came before the banner");
    }

    [Fact]
    [TestOrder(2)]
    public void Every_boot_phase_succeeds()
    {
        var text = InitConsole;
        var done = text.IndexOf("init: boot phases done", StringComparison.Ordinal);
        Assert.True(done > 0, "no `init: boot phases done` after the banner");
        var phases = Regex.Matches(text[..done], @"^init: phase (\S+): (.*?)\s*$", RegexOptions.Multiline)
            .Select(m => (Name: m.Groups[1].Value, Result: m.Groups[2].Value))
            .ToList();
        // A phase prints "ok (...)" or "FAILED: why"; other lines under it are what it noticed (config drive contents...).
        var failed = phases.Where(p => p.Result.StartsWith("FAILED", StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 0, "failed phases: " + string.Join("; ", failed.Select(p => $"{p.Name}: {p.Result}")));
        var names = phases.Select(p => p.Name).ToList();
        foreach (var expected in ExpectedPhases)
        {
            Assert.Contains(expected, names);
        }

        var order = ExpectedPhases.Select(p => names.IndexOf(p)).ToList();
        Assert.Equal(order.Order(), order);
        Assert.Matches(@"init: boot phases done in \d+ ms", text);
    }

    /// <summary>
    /// PID 1 waits for the kernel's random pool on a thread of its own (KernelRandom) and seeds string hashing without it
    /// (HashSeedRandom): under emulation, with no hardware source, the pool is ready only ~1 s after /init runs, and
    /// the banner no longer waits for it. With a hardware source (RDRAND under KVM) it is ready before /init.
    /// </summary>
    [Fact]
    [TestOrder(2)]
    public void Init_does_not_wait_for_the_kernel_random_pool()
    {
        var text = SerialConsole.Clean(Vm.Console.Text);
        Assert.Matches(@"init: random pool ready \(\d+ ms after the banner\)", text);
        var runInit = text.IndexOf("Run /init as init process", StringComparison.Ordinal);
        var poolReady = text.IndexOf("random: crng init done", StringComparison.Ordinal);
        if (runInit >= 0 && poolReady > runInit)
        {
            var banner = text.IndexOf($"CorralOS {RepoPaths.Version} booting", StringComparison.Ordinal);
            Assert.True(banner >= 0 && banner < poolReady, "the banner came after the kernel's `random: crng init done`: init waited for the random pool");
        }
    }

    /// <summary>
    /// Under QEMU's TCG the engine's `crun run` processes run without address randomization (their translated code is
    /// reused from one container start to the next); under KVM they keep it. The containers' processes always have it.
    /// </summary>
    [Fact]
    [TestOrder(3)]
    public async Task Crun_skips_address_randomization_only_on_an_emulated_cpu_and_containers_keep_it()
    {
        // Each `crun run` (its argv has --bundle) and the syslog service's container process, once it runs its entrypoint
        // or syslogd: the shell may answer before that (syslog runs with a small CPU share), so it is polled for.
        const string List = "for p in /proc/[0-9]*; do c=$(tr '\\0' ' ' < $p/cmdline 2>/dev/null); case \"$c\" in *' run '*--bundle*) echo \"crun $(cat $p/personality)\";; syslogd*|*'entrypoint --container syslog '*) echo \"syslogd $(cat $p/personality)\";; esac; done";
        var r = await Vm.RunAsync(
            $"i=0; while out=$({List}); [ $i -lt 120 ] && ! echo \"$out\" | grep -q '^syslogd '; do sleep 1; i=$((i+1)); done; echo \"$out\"",
            TimeSpan.FromSeconds(180), Ct);
        r.EnsureSuccess("reading the personalities");
        var lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var crun = lines.Where(l => l.StartsWith("crun ", StringComparison.Ordinal)).Select(l => l[5..]).ToList();
        Assert.NotEmpty(crun);
        Assert.All(crun, flags => Assert.Equal(Vm.Accel == Accelerator.Tcg ? "00040000" : "00000000", flags));
        Assert.Equal("syslogd 00000000", Assert.Single(lines, l => l.StartsWith("syslogd ", StringComparison.Ordinal)));
    }

    [Fact]
    [TestOrder(3)]
    public async Task The_console_shell_runs_commands()
    {
        var r = await Vm.RunAsync("echo hello from $(cat /proc/1/comm >/dev/null && echo the guest); false", s_command, Ct);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("hello from the guest", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    [TestOrder(4)]
    public async Task A_double_forked_orphan_is_reparented_to_pid1_and_reaped()
    {
        // sh forks sleep and exits at once: sleep is an orphan, and the kernel hands it to PID 1.
        var started = await Vm.RunAsync("sh -c 'sleep 4 >/dev/null 2>&1 & echo orphan=$!'", s_command, Ct);
        started.EnsureSuccess("starting the orphan");
        var pid = int.Parse(Regex.Match(started.Output, @"orphan=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

        // The forked child may not have exec'd sleep yet when sh has printed its pid, and busybox may re-exec itself
        // through /proc/self/exe (comm "exe"): wait for argv[0] to say sleep, then read its parent.
        var stat = await Vm.RunAsync(
            $"i=0; until tr '\\0' ' ' < /proc/{pid}/cmdline | grep -q '^sleep 4' || [ $i -ge 20 ]; do sleep 0.1; i=$((i+1)); done; " +
            $"tr '\\0' ' ' < /proc/{pid}/cmdline; echo; cat /proc/{pid}/stat", s_command, Ct);
        stat.EnsureSuccess("reading the orphan's /proc/PID/cmdline and stat");
        Assert.Matches(@"(?m)^sleep 4 ", stat.Output);
        // /proc/PID/stat: pid (comm) state ppid ...
        var fields = Regex.Match(stat.Output, $@"^{pid} \(([^)]*)\) (\S) (\d+)", RegexOptions.Multiline);
        Assert.True(fields.Success, "unexpected /proc/PID/stat: " + stat.Output);
        Assert.Equal("1", fields.Groups[3].Value);

        // After it exits, PID 1 must reap it: no /proc entry (a zombie keeps one) and no Z in ps.
        var gone = await Vm.RunAsync($"i=0; while [ -e /proc/{pid} ] && [ $i -lt 30 ]; do sleep 0.5; i=$((i+1)); done; " +
                                     $"sleep 3; [ -e /proc/{pid} ] && cat /proc/{pid}/stat; echo done", s_command, Ct);
        Assert.True(gone.Output.Trim() == "done", $"orphan {pid} was not reaped: {gone.Output}");
        var ps = await Vm.RunAsync("ps -o pid,ppid,stat,comm", s_command, Ct);
        ps.EnsureSuccess("ps");
        var zombies = ps.Output.Split('\n').Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3 && f[2].StartsWith('Z'))
            .ToList();
        Assert.True(zombies.Count == 0, "zombies in ps:\n" + ps.Output);
    }

    [Fact]
    [TestOrder(100)]
    public async Task Poweroff_shuts_down_cleanly_and_QEMU_exits_0()
    {
        var from = Vm.Console.Length;
        await Vm.SendLineAsync("poweroff", Ct);
        var code = await Vm.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        var after = SerialConsole.Clean(Vm.Console.TextFrom(from));
        Assert.Contains("init: shutting down (poweroff)", after, StringComparison.Ordinal);
        Assert.Contains("reboot: Power down", after, StringComparison.Ordinal);
        Assert.True(
            after.IndexOf("init: shutting down (poweroff)", StringComparison.Ordinal) <
            after.IndexOf("reboot: Power down", StringComparison.Ordinal), "kernel power-down came before init's shutdown");
        Assert.Equal(0, code);
    }
}

/// <summary>dist/corralos.iso as a CD-ROM, SeaBIOS → GRUB (i386-pc) → kernel + initrd.</summary>
public sealed class IsoBiosBootTests(IsoBiosVm vm) : BootTests<IsoBiosVm>(vm)
{
    /// <summary>
    /// A booted ISO has no disk with the system images file: asked for User Docker's image, System Docker mounts the
    /// medium and loop-mounts the ISO's /boot/system-images (direct kernel boots in the tests attach the file as a disk).
    /// </summary>
    [Fact]
    [TestOrder(6)]
    public async Task An_on_demand_system_image_comes_from_the_ISOs_system_images_file()
    {
        var from = Vm.Console.Length;
        var r = await Vm.RunAsync($"system-docker inspect --type image --format '{{{{.RepoTags}}}}' corralos/os-docker:{RepoPaths.Version}", TimeSpan.FromSeconds(60), Ct);
        r.EnsureSuccess("inspecting User Docker's image");
        Assert.Contains($"corralos/os-docker:{RepoPaths.Version}", r.Output, StringComparison.Ordinal);
        await Vm.WaitForConsoleAsync("system-docker: mounted the system images file from /run/corralos/medium/boot/system-images", TimeSpan.FromSeconds(30), from, Ct);
    }
}

/// <summary>dist/corralos.iso as a CD-ROM, OVMF (UEFI) → GRUB (x86_64-efi) → kernel + initrd.</summary>
public sealed class IsoUefiBootTests(IsoUefiVm vm) : BootTests<IsoUefiVm>(vm);

/// <summary>QEMU -kernel dist/vmlinuz -initrd dist/initrd with an extra cmdline.</summary>
public sealed class DirectKernelBootTests(DirectKernelVm vm) : BootTests<DirectKernelVm>(vm)
{
    [Fact]
    [TestOrder(5)]
    public async Task A_cmdline_value_reaches_pid1()
    {
        var cmdline = await Vm.RunAsync("cat /proc/cmdline", cancellationToken: Ct);
        Assert.Contains($"cc.hostname={DirectKernelVm.Hostname}", cmdline.Output, StringComparison.Ordinal);
        var hostname = await Vm.RunAsync("hostname", cancellationToken: Ct);
        Assert.Equal(0, hostname.ExitCode);
        Assert.Equal(DirectKernelVm.Hostname, hostname.Output.Trim());
        var hosts = await Vm.RunAsync($"grep -w {DirectKernelVm.Hostname} /etc/hosts", cancellationToken: Ct);
        Assert.Equal($"127.0.1.1\t{DirectKernelVm.Hostname}", hosts.Output.Trim());
    }
}
