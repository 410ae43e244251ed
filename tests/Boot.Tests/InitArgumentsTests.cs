using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>What the kernel hands init after "--" (RancherOS's elided cmdline), and the recovery switch.</summary>
public sealed class InitArgumentsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Parameters_after_double_dash_configure_the_system_and_are_kept_as_EXTRA_CMDLINE()
    {
        await using var booted = new ArgsVm("cc.hostname=fromkernel -- cc.hostname=nope rancher.password=three");
        await booted.InitializeAsync();
        var vm = booted.Vm;

        Assert.Equal("nope", (await vm.RunAsync("hostname", cancellationToken: Ct)).Output.Trim());
        var extra = await vm.RunAsync("ros config get rancher.environment.EXTRA_CMDLINE", cancellationToken: Ct);
        Assert.Equal("/init cc.hostname=nope rancher.password=three", extra.Output.Trim());
        // As RancherOS's test: export keeps the environment copy but neither top-level EXTRA_CMDLINE nor rancher.password.
        var export = await vm.RunAsync("ros config export", cancellationToken: Ct);
        Assert.Contains("EXTRA_CMDLINE: /init cc.hostname=nope rancher.password=three", export.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\nEXTRA_CMDLINE:", "\n" + export.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("password: three", export.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rancher_recovery_stops_after_the_config_phase_with_a_shell()
    {
        await using var booted = new ArgsVm("rancher.recovery=true");
        await booted.InitializeAsync();
        var console = SerialConsole.Clean(booted.Vm.Console.Text);

        Assert.Contains("init: rancher.recovery is set: stopping the boot here with a recovery shell", console, StringComparison.Ordinal);
        Assert.DoesNotContain("init: phase modules", console, StringComparison.Ordinal);
        // The phases before it ran: the recovery shell has /proc, /sys and cgroup2 to work with.
        Assert.Equal("1", (await booted.Vm.RunAsync("grep -c ' /sys/fs/cgroup cgroup2 ' /proc/mounts", cancellationToken: Ct)).Output.Trim());
    }

    private sealed class ArgsVm(string cmdline) : BootedVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "init-args",
            Boot = BootMode.DirectKernel,
            Network = false,
            ExtraCmdline = cmdline,
        };
    }
}
