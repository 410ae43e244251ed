using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using CorralOS.Config;
using CorralOS.Network;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ntp`: runs chronyd in the foreground with the servers from rancher.ntp.servers (the ntp system container's
/// command); a pidfile left by a killed chronyd is removed first; SIGTERM and SIGINT are passed on and chronyd's exit
/// code is returned. --print shows the command instead.
/// </summary>
internal static class NtpApplet
{
    public static Applet Create() => new("ntp", "Run chronyd with the time servers from rancher.ntp.servers", command =>
    {
        var print = new Option<bool>("--print") { Description = "Print the chronyd command line (one argument a line) and exit" };
        var chronyd = new Option<string>("--chronyd") { Description = "The chronyd program", DefaultValueFactory = _ => "chronyd" };
        var root = ConfigRoot.Option();
        command.Options.Add(print);
        command.Options.Add(chronyd);
        command.Options.Add(root);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("ntp runs on Linux only");
            }
            var paths = ConfigRoot.Paths(parse.GetValue(root));
            var pidFile = Path.Combine(paths.Root, NtpCommand.DefaultPidFile.TrimStart('/'));
            IReadOnlyList<string> line;
            try
            {
                line = NtpCommand.Build(new ConfigLoader(paths).Load().ModelOf("rancher.ntp").Rancher?.Ntp, parse.GetValue(chronyd)!, pidFile);
            }
            catch (NetworkConfigException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"ntp: {e.Message}");
                return 1;
            }
            if (parse.GetValue(print))
            {
                foreach (var argument in line)
                {
                    parse.InvocationConfiguration.Output.WriteLine(argument);
                }
                return 0;
            }
            try
            {
                if (NtpCommand.StalePidFile(pidFile) is { } held)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"ntp: removed {pidFile} (pid {held}) left by a chronyd that was killed");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"ntp: {pidFile}: {e.Message}");
            }
            return Run(line);
        });
    });

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static int Run(IReadOnlyList<string> line)
    {
        var info = new ProcessStartInfo(line[0]) { UseShellExecute = false };
        foreach (var argument in line.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        using var chronyd = Process.Start(info) ?? throw new IOException($"{line[0]} did not start");
        void Forward(PosixSignalContext context)
        {
            context.Cancel = true;
            Linux.Processes.Kill(chronyd.Id, context.Signal == PosixSignal.SIGINT ? Linux.Signals.SIGINT : Linux.Signals.SIGTERM);
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
        chronyd.WaitForExit();
        return chronyd.ExitCode;
    }
}
