using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// The harness's reset for a reboot that stalls after the guest kernel asked for it (<see cref="StalledResetWatch"/>):
/// a guest that prints the kernel's last reboot line and then stays silent is reset through the monitor, which the
/// console log says, and boots again.
/// </summary>
public sealed class StalledResetWatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_guest_silent_after_its_reset_line_is_reset_and_boots_again()
    {
        await using var booted = new SilentResetVm();
        await booted.InitializeAsync();
        var vm = booted.Vm;
        var from = vm.Console.Length;

        await vm.SendLineAsync("echo 'reboot: Restarting system'; sleep 100000", Ct);

        var note = await vm.WaitForConsoleAsync(new Regex(@"\[harness: no output for 10 s after the guest asked for a reset \(RIP=[0-9a-f]+\); resetting through the monitor\]"),
            TimeSpan.FromMinutes(2), from, Ct);
        await vm.WaitForConsoleAsync(new Regex(@"CorralOS \S+ booting"), BootedVm.BootTimeout, note.End, Ct);
    }

    private sealed class SilentResetVm : BootedVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "stalled-reset",
            Boot = BootMode.DirectKernel,
            Network = false,
            AllowReboot = true,
            StalledResetSilence = TimeSpan.FromSeconds(10),
            ExtraCmdline = "rancher.recovery=true",
        };
    }
}
