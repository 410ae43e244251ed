using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// Each way of ending the system, on its own direct-kernel VM: the signals PID 1 handles, the applets, and
/// ctrl-alt-del typed on the VM's keyboard and the ACPI power button. QEMU runs with -no-reboot, so a reboot also ends QEMU.
/// Signals and applets are sent to a system stopped in recovery (PID 1 handles them the same from its first moment,
/// and the boot takes a fifth of the time); the keyboard and the power button go to a fully started system, whose
/// shutdown also stops System Docker (the order of the services' stop: CloudConfigConsoleBootTests).
/// </summary>
public class ShutdownSignalTests
{
    private static readonly TimeSpan s_exit = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("kill -PWR 1", "poweroff", "reboot: Power down")]
    [InlineData("kill -USR2 1", "poweroff", "reboot: Power down")]
    [InlineData("kill -TERM 1", "reboot", "reboot: Restarting system")]
    [InlineData("reboot", "reboot", "reboot: Restarting system")]
    [InlineData("shutdown -r now", "reboot", "reboot: Restarting system")]
    public async Task A_signal_or_applet_ends_the_system_cleanly(string command, string action, string kernelLine)
    {
        await using var booted = new SignalVm(recovery: true);
        await booted.InitializeAsync();
        var vm = booted.Vm;
        var from = vm.Console.Length;

        await vm.SendLineAsync(command, Ct);
        var code = await vm.WaitForExitAsync(s_exit, Ct);

        AssertCleanShutdown(SerialConsole.Clean(vm.Console.TextFrom(from)), action, kernelLine);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Halt_stops_the_machine_without_powering_off()
    {
        await using var booted = new SignalVm(recovery: true);
        await booted.InitializeAsync();
        var vm = booted.Vm;
        var from = vm.Console.Length;

        await vm.SendLineAsync("halt", Ct);
        await vm.WaitForConsoleAsync("reboot: System halted", s_exit, from, Ct);

        AssertCleanShutdown(SerialConsole.Clean(vm.Console.TextFrom(from)), "halt", "reboot: System halted");
        Assert.False(vm.HasExited, "QEMU exited: halt must not power off");
    }

    [Theory]
    [InlineData("sendkey ctrl-alt-delete", "reboot", "reboot: Restarting system")]
    [InlineData("system_powerdown", "poweroff", "reboot: Power down")]
    public async Task Ctrl_alt_del_and_the_ACPI_power_button_shut_down_cleanly(string monitorCommand, string action, string kernelLine)
    {
        await using var booted = new SignalVm(monitor: true);
        await booted.InitializeAsync();
        var vm = booted.Vm;
        Assert.Contains("init: power button: pressing it powers off cleanly", SerialConsole.Clean(vm.Console.Text), StringComparison.Ordinal);
        var from = vm.Console.Length;

        await vm.MonitorCommandAsync(monitorCommand, Ct);
        var code = await vm.WaitForExitAsync(s_exit, Ct);

        var console = SerialConsole.Clean(vm.Console.TextFrom(from));
        AssertCleanShutdown(console, action, kernelLine);
        Assert.Contains("init: stopping system containers", console, StringComparison.Ordinal);
        Assert.Equal(0, code);
    }

    private static void AssertCleanShutdown(string console, string action, string kernelLine)
    {
        string[] steps =
        [
            $"init: shutting down ({action})",
            "init: sending SIGTERM to all processes",
            "init: syncing disks",
            "init: unmounting filesystems",
            $"init: {action} now",
            kernelLine,
        ];
        var at = 0;
        foreach (var step in steps)
        {
            var found = console.IndexOf(step, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"`{step}` missing (or out of order) in the shutdown output:\n{console}");
            at = found + step.Length;
        }
    }

    private sealed class SignalVm(bool monitor = false, bool recovery = false) : BootedVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "shutdown-signal",
            Boot = BootMode.DirectKernel,
            Network = false,
            Monitor = monitor,
            ExtraCmdline = recovery ? "rancher.recovery=true" : "",
        };
    }
}
