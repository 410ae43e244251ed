using System.CommandLine;
using System.Runtime.InteropServices;
using CorralOS.Console.Respawn;

namespace CorralOS.Cli.Applets;

/// <summary>`respawn [-f FILE]`: keep every line of the file running (docs/console.md). SIGTERM or SIGINT stop it.</summary>
internal static class RespawnApplet
{
    public const string DefaultFile = "/etc/respawn.conf";

    public static Applet Create() => new("respawn", "Run every line of a file as a command and restart it when it exits", command =>
    {
        var file = new Option<string>("--file", "-f") { Description = "The commands, one a line", DefaultValueFactory = _ => DefaultFile };
        command.Options.Add(file);
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.InvocationConfiguration.Error));
    });

    /// <summary>Runs until SIGTERM or SIGINT, then stops the children and returns 0. Also console-init's last step.</summary>
    public static int Run(string file, TextWriter log)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("respawn runs on Linux only");
        }
        var lines = Respawner.ReadLines(file);
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        log.WriteLine($"respawn: {lines.Count} commands from {file}");
        new Respawner(lines, new RespawnOptions { Log = log }).RunAsync(stop.Token).GetAwaiter().GetResult();
        return 0;
    }
}
