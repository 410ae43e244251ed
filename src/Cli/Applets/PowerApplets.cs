using System.CommandLine;
using System.CommandLine.Help;
using CorralOS.Init;
using CorralOS.Linux;

namespace CorralOS.Cli.Applets;

/// <summary>
/// poweroff, reboot, halt and shutdown. They ask PID 1 for a clean shutdown with a signal (it stops
/// every process, syncs and unmounts); -f skips that and calls reboot(2) at once after a sync.
/// </summary>
internal static class PowerApplets
{
    public static Applet Create(string name, PowerAction action) =>
        new(name, $"{Verb(action)} the machine cleanly (through PID 1)", command =>
        {
            var force = new Option<bool>("--force", "-f") { Description = $"{Verb(action)} at once: sync and reboot(2), without stopping processes" };
            command.Options.Add(force);
            command.SetAction(parse => Execute(action, parse.GetValue(force)));
        });

    public static Applet CreateShutdown() =>
        new("shutdown", "Power off (-h, -P), halt (-H) or reboot (-r) the machine; only 'now' is supported as the time", command =>
        {
            var reboot = new Option<bool>("--reboot", "-r") { Description = "Reboot" };
            var halt = new Option<bool>("--halt", "-H") { Description = "Halt" };
            var powerOff = new Option<bool>("--poweroff", "-P", "-h") { Description = "Power off (the default)" };
            var force = new Option<bool>("--force", "-f") { Description = "Skip the clean shutdown: sync and reboot(2) at once" };
            var time = new Argument<string>("time") { Description = "When: now or +0", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "now" };
            // shutdown -h means halt/power off, as everywhere; help keeps --help and -?.
            foreach (var help in command.Options.OfType<HelpOption>().ToList())
            {
                command.Options.Remove(help);
            }
            command.Options.Add(new HelpOption("--help", "-?"));
            command.Options.Add(reboot);
            command.Options.Add(halt);
            command.Options.Add(powerOff);
            command.Options.Add(force);
            command.Arguments.Add(time);
            command.SetAction(parse =>
            {
                var when = parse.GetValue(time);
                if (when is not ("now" or "+0"))
                {
                    throw new ArgumentException($"time '{when}' is not supported; use 'now' or '+0'");
                }
                if (new[] { parse.GetValue(reboot), parse.GetValue(halt), parse.GetValue(powerOff) }.Count(x => x) > 1)
                {
                    throw new ArgumentException("choose one of -r, -H, -P/-h");
                }
                var action = parse.GetValue(reboot) ? PowerAction.Reboot : parse.GetValue(halt) ? PowerAction.Halt : PowerAction.PowerOff;
                return Execute(action, parse.GetValue(force));
            });
        });

    internal static int Execute(PowerAction action, bool force)
    {
        if (force)
        {
            Power.Sync();
            Power.Reboot(action);
            return 0;
        }
        RequireCorralOsInit();
        Processes.Kill(1, ShutdownSignals.SignalFor(action));
        return 0;
    }

    // On a development machine PID 1 is systemd or similar; signalling it would not do what was asked.
    private static void RequireCorralOsInit()
    {
        string? initExe;
        try
        {
            initExe = new FileInfo("/proc/1/exe").LinkTarget;
        }
        catch (UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException("permission denied: run as root");
        }
        var self = Environment.ProcessPath;
        if (initExe is null || self is null || Path.GetFileName(initExe) != Path.GetFileName(self))
        {
            throw new InvalidOperationException($"PID 1 is {initExe ?? "unknown"}, not CorralOS init; use -f to force");
        }
    }

    private static string Verb(PowerAction action) => action switch
    {
        PowerAction.PowerOff => "Power off",
        PowerAction.Reboot => "Reboot",
        _ => "Halt",
    };
}
