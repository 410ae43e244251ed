using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>What the machine does at the end of a shutdown.</summary>
public enum PowerAction
{
    PowerOff,
    Reboot,
    Halt,
}

/// <summary>reboot(2) and sync(2).</summary>
public static class Power
{
    public static void Sync() => Libc.sync();

    /// <summary>Ends the system at once. Only returns by throwing (for example when not privileged).</summary>
    public static void Reboot(PowerAction action)
    {
        var cmd = action switch
        {
            PowerAction.PowerOff => Libc.LINUX_REBOOT_CMD_POWER_OFF,
            PowerAction.Reboot => Libc.LINUX_REBOOT_CMD_RESTART,
            _ => Libc.LINUX_REBOOT_CMD_HALT,
        };
        SystemCallException.ThrowIfFailed(Libc.reboot(cmd), "reboot", action.ToString());
    }

    /// <summary>Makes ctrl-alt-del send SIGINT to PID 1 instead of rebooting at once.</summary>
    public static void SendCtrlAltDelToInit() =>
        SystemCallException.ThrowIfFailed(Libc.reboot(Libc.LINUX_REBOOT_CMD_CAD_OFF), "reboot", "CAD_OFF");
}
