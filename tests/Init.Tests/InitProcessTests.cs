using CorralOS.Linux;

namespace CorralOS.Init.Tests;

public class InitProcessTests
{
    private sealed class Phase(string name, bool required, Func<string> run) : IBootPhase
    {
        public string Name => name;

        public bool Required => required;

        public int Runs { get; private set; }

        public string Run(BootContext context)
        {
            Runs++;
            return run();
        }
    }

    private static (InitProcess Init, StringWriter Output) Create(params IBootPhase[] phases)
    {
        var output = new StringWriter();
        return (new InitProcess(new BootConsole(output), new BootContext("9.9.9", []), phases), output);
    }

    [Fact]
    public void Each_phase_prints_ok_with_its_detail_and_the_end_is_marked()
    {
        var (init, output) = Create(new Phase("one", true, () => "fine"), new Phase("two", false, () => ""));

        Assert.True(init.RunPhases());

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^init: phase one: ok \(\d+ ms, fine\)$", lines[0]);
        Assert.Matches(@"^init: phase two: ok \(\d+ ms\)$", lines[1]);
        Assert.Matches(@"^init: boot phases done in \d+ ms$", lines[2]);
    }

    [Fact]
    public void An_optional_phase_failure_is_reported_and_the_boot_goes_on()
    {
        var last = new Phase("last", true, () => "");
        var (init, output) = Create(new Phase("flaky", false, () => throw new IOException("disk on fire")), last);

        Assert.True(init.RunPhases());
        Assert.Contains("init: phase flaky: FAILED: disk on fire", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, last.Runs);
    }

    [Fact]
    public void A_required_phase_failure_stops_the_phases_and_reports_unhealthy()
    {
        var after = new Phase("after", false, () => "");
        var (init, output) = Create(new Phase("mounts", true, () => throw new SystemCallException("mount", "proc on /proc", 1)), after);

        Assert.False(init.RunPhases());
        Assert.Contains("init: phase mounts: FAILED: mount proc on /proc: Operation not permitted", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, after.Runs);
    }

    [Fact]
    public void The_config_phase_merges_the_layers_and_init_arguments_win()
    {
        var root = Directory.CreateTempSubdirectory("corralos-config-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "proc"));
            File.WriteAllText(Path.Combine(root, "proc/cmdline"), "console=ttyS0 cc.hostname=fromkernel rancher.debug rancher.modules=[a,b]\n");
            Directory.CreateDirectory(Path.Combine(root, "var/lib/rancher/conf/cloud-config.d"));
            File.WriteAllText(Path.Combine(root, "var/lib/rancher/conf/cloud-config.yml"), "hostname: fromfile\nrancher:\n  state:\n    dev: LABEL=X\n");
            File.WriteAllText(Path.Combine(root, "var/lib/rancher/conf/cloud-config.d/broken.yml"), "rancher:\n  modules: [unclosed\n");
            var context = new BootContext("1", ["cc.hostname=frominit"]);

            var detail = new Phases.ConfigPhase(new Config.ConfigPaths(root)).Run(context);

            Assert.Equal("frominit", context.Config["hostname"]);
            Assert.Equal("/init cc.hostname=frominit", Config.ConfigTree.Get(context.Config, "rancher.environment.EXTRA_CMDLINE"));
            Assert.Contains("EXTRA_CMDLINE: /init cc.hostname=frominit", File.ReadAllText(Path.Combine(root, "var/lib/rancher/conf/cloud-config.d/init.yml")), StringComparison.Ordinal);
            Assert.False(context.RecoveryRequested);
            Assert.Equal("LABEL=X", Config.ConfigTree.Get(context.Config, "rancher.state.dev"));
            Assert.Equal(true, Config.ConfigTree.Get(context.Config, "rancher.debug"));
            Assert.Equal(new List<object?> { "a", "b" }, Config.ConfigTree.Get(context.Config, "rancher.modules"));
            Assert.EndsWith("1 skipped", detail, StringComparison.Ordinal);
            var warning = Assert.Single(context.Warnings);
            Assert.StartsWith("skipped layer: " + Path.Combine(root, "var/lib/rancher/conf/cloud-config.d/broken.yml") + ":", warning, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Recovery_stops_the_phases_after_the_one_that_asked_for_it()
    {
        var after = new Phase("after", false, () => "");
        var (init, output) = Create(new RecoveryPhase(), after);

        Assert.False(init.RunPhases());
        Assert.Contains("init: rancher.recovery is set: stopping the boot here with a recovery shell", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, after.Runs);
    }

    private sealed class RecoveryPhase : IBootPhase
    {
        public string Name => "config";

        public bool Required => false;

        public string Run(BootContext context)
        {
            context.RecoveryRequested = true;
            return "";
        }
    }

    [Fact]
    public void Warnings_print_under_their_phase_line_once()
    {
        var (init, output) = Create(new WarningPhase(), new Phase("next", false, () => ""));

        Assert.True(init.RunPhases());

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("init: phase warn: ok", lines[0], StringComparison.Ordinal);
        Assert.Equal("init: phase warn: skipped layer: f.yml:2:3: rancher.x: expected a map", lines[1]);
        Assert.StartsWith("init: phase next: ok", lines[2], StringComparison.Ordinal);
    }

    private sealed class WarningPhase : IBootPhase
    {
        public string Name => "warn";

        public bool Required => false;

        public string Run(BootContext context)
        {
            context.Warnings.Add("skipped layer: f.yml:2:3: rancher.x: expected a map");
            return "";
        }
    }

    [Theory]
    [InlineData(PowerAction.PowerOff, Signals.SIGUSR2)]
    [InlineData(PowerAction.Reboot, Signals.SIGTERM)]
    [InlineData(PowerAction.Halt, Signals.SIGUSR1)]
    public void The_applets_signal_is_the_one_init_maps_back_to_the_action(PowerAction action, int signal)
    {
        Assert.Equal(signal, ShutdownSignals.SignalFor(action));
        Assert.Equal(action, ShutdownSignals.Actions[signal]);
    }

    [Fact]
    public void Power_failure_and_ctrl_alt_del_are_handled()
    {
        Assert.Equal(PowerAction.PowerOff, ShutdownSignals.Actions[Signals.SIGPWR]);
        Assert.Equal(PowerAction.Reboot, ShutdownSignals.Actions[Signals.SIGINT]);
    }
}

public sealed class PowerButtonTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-input-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static byte[] Event(ushort type, ushort code, int value)
    {
        var record = new byte[24];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(16), type);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(18), code);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(20), value);
        return record;
    }

    [Fact]
    public void Only_a_press_of_KEY_POWER_counts()
    {
        Assert.True(PowerButton.IsPowerPress(Event(1, 116, 1)));
        Assert.False(PowerButton.IsPowerPress(Event(1, 116, 0)));  // release
        Assert.False(PowerButton.IsPowerPress(Event(1, 28, 1)));   // enter
        Assert.False(PowerButton.IsPowerPress(Event(0, 0, 0)));    // EV_SYN
        Assert.False(PowerButton.IsPowerPress(new byte[12]));
    }

    [Fact]
    public void Power_buttons_are_found_by_input_device_name()
    {
        foreach (var (eventName, deviceName) in new[] { ("event0", "Power Button"), ("event1", "AT Translated Set 2 keyboard"), ("event2", "Power Button") })
        {
            var device = Directory.CreateDirectory(Path.Combine(_root, "sys/class/input", eventName, "device")).FullName;
            File.WriteAllText(Path.Combine(device, "name"), deviceName + "\n");
        }

        var found = new PowerButton(Path.Combine(_root, "sys"), "/dev").FindDevices();

        Assert.Equal(["/dev/input/event0", "/dev/input/event2"], found);
    }

    [Fact]
    public void A_press_read_from_the_device_fires_once()
    {
        var device = Directory.CreateDirectory(Path.Combine(_root, "sys/class/input/event0/device")).FullName;
        File.WriteAllText(Path.Combine(device, "name"), "Power Button\n");
        var dev = Directory.CreateDirectory(Path.Combine(_root, "dev/input")).FullName;
        File.WriteAllBytes(Path.Combine(dev, "event0"), [.. Event(1, 116, 1), .. Event(0, 0, 0), .. Event(1, 116, 0)]);
        using var pressed = new SemaphoreSlim(0);

        var count = new PowerButton(Path.Combine(_root, "sys"), Path.Combine(_root, "dev")).Watch(() => pressed.Release());

        Assert.Equal(1, count);
        Assert.True(pressed.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(pressed.Wait(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));
    }
}

public class HostnamePhaseTests
{
    [Fact]
    public void Hosts_maps_the_name_and_its_short_form_to_a_loopback_address()
    {
        Assert.Equal("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tnode1.example.com node1\n",
            Phases.HostnamePhase.HostsFile("node1.example.com"));
        Assert.EndsWith("127.0.1.1\tcorralos\n", Phases.HostnamePhase.HostsFile("corralos"), StringComparison.Ordinal);
    }
}

public sealed class SysctlPhaseTests : IDisposable
{
    private readonly string _sys = Directory.CreateTempSubdirectory("corralos-sysctl-").FullName;

    public void Dispose() => Directory.Delete(_sys, recursive: true);

    private string Setting(string dotted)
    {
        var path = Path.Combine(_sys, dotted.Replace('.', '/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "0\n");
        return path;
    }

    [Fact]
    public void Dotted_and_nested_keys_write_under_proc_sys()
    {
        var forward = Setting("net.ipv4.ip_forward");
        var swappiness = Setting("vm.swappiness");
        var context = new BootContext("1", []);
        context.Config = Config.KernelCmdline.Parse("rancher.sysctl.vm.swappiness=13");
        ((Dictionary<string, object?>)Config.ConfigTree.Get(context.Config, "rancher.sysctl")!)["net.ipv4.ip_forward"] = true;

        Assert.Equal("2 set", new Phases.SysctlPhase(_sys).Run(context));
        Assert.Equal("1", File.ReadAllText(forward));
        Assert.Equal("13", File.ReadAllText(swappiness));
    }

    [Fact]
    public void An_unknown_or_escaping_key_is_reported_and_the_rest_applies()
    {
        var swappiness = Setting("vm.swappiness");
        var context = new BootContext("1", []);
        context.Config = Config.KernelCmdline.Parse("rancher.sysctl.vm.swappiness=7 rancher.sysctl.vm.nosuch=1");

        var error = Assert.Throws<IOException>(() => new Phases.SysctlPhase(_sys).Run(context));

        Assert.Equal("1 set, but: vm.nosuch: no such setting", error.Message);
        Assert.Equal("7", File.ReadAllText(swappiness));
    }

    [Fact]
    public void No_sysctl_key_sets_nothing() =>
        Assert.Equal("nothing to set", new Phases.SysctlPhase(_sys).Run(new BootContext("1", [])));
}
