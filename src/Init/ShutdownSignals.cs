using System.Runtime.InteropServices;
using CorralOS.Linux;

namespace CorralOS.Init;

/// <summary>
/// What PID 1 does on each signal, as busybox init and sysvinit do: SIGUSR2 and SIGPWR power off,
/// SIGTERM and SIGINT (ctrl-alt-del) reboot, SIGUSR1 halts. The poweroff/reboot/halt applets send these.
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly TaskCompletionSource<PowerAction> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<PosixSignalRegistration> _registrations = [];

    public static IReadOnlyDictionary<int, PowerAction> Actions { get; } = new Dictionary<int, PowerAction>
    {
        [Signals.SIGUSR2] = PowerAction.PowerOff,
        [Signals.SIGPWR] = PowerAction.PowerOff,
        [Signals.SIGTERM] = PowerAction.Reboot,
        [Signals.SIGINT] = PowerAction.Reboot,
        [Signals.SIGUSR1] = PowerAction.Halt,
    };

    /// <summary>The signal PID 1 expects for an action (what the applets send).</summary>
    public static int SignalFor(PowerAction action) => action switch
    {
        PowerAction.PowerOff => Signals.SIGUSR2,
        PowerAction.Reboot => Signals.SIGTERM,
        _ => Signals.SIGUSR1,
    };

    /// <summary>Completes with the first action asked for.</summary>
    public Task<PowerAction> Requested => _requested.Task;

    /// <summary>Asks for <paramref name="action"/> as if its signal had arrived (the power button does).</summary>
    public void Request(PowerAction action) => _requested.TrySetResult(action);

    public void Register()
    {
        foreach (var (signal, action) in Actions)
        {
            _registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(signal), context =>
            {
                context.Cancel = true;
                _requested.TrySetResult(action);
            }));
        }
    }

    // Named values for the signals the runtime itself handles; raw numbers for the ones PosixSignal has no name for.
    private static PosixSignal ToPosixSignal(int signal) => signal switch
    {
        Signals.SIGTERM => PosixSignal.SIGTERM,
        Signals.SIGINT => PosixSignal.SIGINT,
        _ => (PosixSignal)signal,
    };

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
