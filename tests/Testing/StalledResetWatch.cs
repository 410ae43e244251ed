using System.Text.RegularExpressions;

namespace CorralOS.Testing;

/// <summary>
/// Presses reset for a guest whose reboot stalled between the kernel and the firmware. Under TCG, QEMU 7.2 with OVMF
/// once stayed silent after the guest kernel's "reboot: Restarting system" (CI, session 9: no firmware line for the
/// whole 8-minute boot timeout; the same test passes otherwise). The guest's part of a reboot (services stopped,
/// filesystems unmounted, the reset asked for) is done by then; what follows is the emulated machine's. Before the
/// reset the monitor's view of the CPU goes into the console log, marked as the harness's, so a guest kernel that never
/// reset (its instruction pointer in the kernel) stays visible. UEFI guests are power-cycled instead
/// (<see cref="QemuVm"/>'s PowerCycles): in session 11 this reset did not bring a hung OVMF back.
/// </summary>
internal sealed class StalledResetWatch
{
    private static readonly Regex s_restarting = new(@"reboot: Restarting system\r?\n");
    private static readonly Regex s_anything = new(@"[\s\S]");

    /// <summary>Watches until <paramref name="cancellationToken"/> is cancelled or QEMU exits; never throws.</summary>
    public static async Task RunAsync(QemuVm vm, CancellationToken cancellationToken)
    {
        try
        {
            await WatchAsync(vm, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The monitor went away with QEMU: nothing left to reset.
        }
    }

    private static async Task WatchAsync(QemuVm vm, CancellationToken cancellationToken)
    {
        var from = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var restart = await vm.Console.TryWaitAsync(s_restarting, TimeSpan.FromDays(1), from, cancellationToken).ConfigureAwait(false);
            if (restart is null)
            {
                return;
            }
            from = restart.End;
            var silence = vm.Options.StalledResetSilence;
            if (await vm.Console.TryWaitAsync(s_anything, silence, from, cancellationToken).ConfigureAwait(false) is not null || vm.HasExited)
            {
                continue;
            }
            var cpu = await vm.MonitorCommandAsync("info registers", cancellationToken).ConfigureAwait(false);
            var instruction = Regex.Match(cpu, @"RIP=[0-9a-f]+").Value;
            vm.Console.Note($"harness: no output for {silence.TotalSeconds:0} s after the guest asked for a reset ({instruction}); resetting through the monitor");
            await vm.MonitorCommandAsync("system_reset", cancellationToken).ConfigureAwait(false);
        }
    }
}
