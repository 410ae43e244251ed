using System.Diagnostics;
using CorralOS.Linux;

namespace CorralOS.Init;

/// <summary>
/// The clean end of the system: TERM every process, KILL what is left, sync, unmount, reboot(2).
/// </summary>
public sealed class ShutdownSequence
{
    // Filesystems the kernel keeps to the end; unmounting them buys nothing and /proc is needed to the last step.
    private static readonly HashSet<string> s_keep = new(StringComparer.Ordinal) { "/", "/proc", "/sys", "/dev" };

    private readonly BootConsole _console;
    private readonly TimeSpan _gracePeriod;

    public ShutdownSequence(BootConsole console, TimeSpan gracePeriod)
    {
        _console = console;
        _gracePeriod = gracePeriod;
    }

    public void Run(PowerAction action)
    {
        StopAllProcesses();
        _console.Info("syncing disks");
        Power.Sync();
        UnmountAll();
        Power.Sync();
        _console.Info(action switch
        {
            PowerAction.PowerOff => "poweroff now",
            PowerAction.Reboot => "reboot now",
            _ => "halt now",
        });
        Power.Reboot(action);
    }

    private void StopAllProcesses()
    {
        _console.Info("sending SIGTERM to all processes");
        if (Processes.KillAllOthers(Signals.SIGTERM) && !WaitForOthersToExit(_gracePeriod))
        {
            _console.Info($"sending SIGKILL to {Processes.OtherUserProcesses().Count} processes still running");
            Processes.KillAllOthers(Signals.SIGKILL);
            WaitForOthersToExit(TimeSpan.FromSeconds(2));
        }
    }

    // The runtime reaps children of PID 1, so exited processes leave /proc by themselves.
    private static bool WaitForOthersToExit(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Processes.OtherUserProcesses().Count == 0)
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return Processes.OtherUserProcesses().Count == 0;
    }

    private void UnmountAll()
    {
        _console.Info("unmounting filesystems");
        foreach (var mount in Mounts.Read().Reverse())
        {
            if (s_keep.Contains(mount.Target) || mount.Target.StartsWith("/proc/", StringComparison.Ordinal))
            {
                continue;
            }
            try
            {
                Mounts.Unmount(mount.Target);
            }
            catch (SystemCallException)
            {
                // Busy: detach it and make sure what remains can take no more writes.
                TryDetach(mount);
            }
        }
    }

    private void TryDetach(MountEntry mount)
    {
        try
        {
            Mounts.Remount(mount.Target, MountFlags.ReadOnly);
        }
        catch (SystemCallException)
        {
        }
        try
        {
            Mounts.Unmount(mount.Target, detach: true);
        }
        catch (SystemCallException e)
        {
            _console.Info($"cannot unmount {mount.Target}: {e.Message}");
        }
    }
}
