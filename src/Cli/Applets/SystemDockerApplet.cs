using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `system-docker COMMAND [ARG...]`: the docker CLI pointed at System Docker's socket. It runs `docker` (from PATH,
/// or $SYSTEM_DOCKER_CLI) with `-H unix:///var/run/system-docker.sock` (or $SYSTEM_DOCKER_HOST) in front of the
/// arguments, on the same terminal, and returns its exit code.
/// </summary>
internal static class SystemDockerApplet
{
    public const string DefaultHost = "unix:///var/run/system-docker.sock";

    public static Applet Create() => new("system-docker", $"The docker CLI against System Docker ({DefaultHost}, or $SYSTEM_DOCKER_HOST); 'system-docker help COMMAND' for a command's options", command =>
    {
        var arguments = new Argument<string[]>("docker-arguments") { Description = "A docker CLI command and its arguments (ps, images, run, exec, logs, ...)", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(arguments);
        command.SetAction(parse =>
        {
            var cli = FindCli();
            if (cli is null)
            {
                parse.InvocationConfiguration.Error.WriteLine("system-docker: no docker CLI found (install one on PATH or set SYSTEM_DOCKER_CLI)");
                return 127;
            }
            var host = Environment.GetEnvironmentVariable("SYSTEM_DOCKER_HOST") is { Length: > 0 } h ? h : DefaultHost;
            var info = new ProcessStartInfo(cli) { UseShellExecute = false };
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add(host);
            foreach (var argument in parse.GetValue(arguments) ?? [])
            {
                info.ArgumentList.Add(argument);
            }
            // The CLI shares the terminal: Ctrl-C and friends reach it too, and this process waits for its exit.
            static void Ignore(PosixSignalContext context) => context.Cancel = true;
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Ignore);
            using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Ignore);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Ignore);
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"{cli} did not start");
            process.WaitForExit();
            return process.ExitCode;
        });
    });

    // $SYSTEM_DOCKER_CLI wins; otherwise the first executable `docker` on PATH.
    private static string? FindCli()
    {
        if (Environment.GetEnvironmentVariable("SYSTEM_DOCKER_CLI") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "docker");
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }
        return null;
    }
}
