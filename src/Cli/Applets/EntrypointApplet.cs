using System.CommandLine;
using System.Runtime.InteropServices;
using CorralOS.Console;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `entrypoint [--container NAME] COMMAND [ARG...]`: the entrypoint of os-base system containers (docs/console.md):
/// host /dev, CA bundle, this container's write_files, applet links, then the command, whose exit code it returns.
/// </summary>
internal static class EntrypointApplet
{
    public static Applet Create() => new("entrypoint", "Prepare a system container (host /dev, write_files for it, applet links) and run its command", command =>
    {
        var container = new Option<string?>("--container")
        {
            Description = $"This container's service name, for write_files' container: (default ${Entrypoint.ContainerNameVariable})",
        };
        var root = new Option<string?>("--root") { Description = "Work on a directory tree instead of / (testing)", Hidden = true };
        var arguments = new Argument<string[]>("command") { Description = "The command and its arguments", Arity = ArgumentArity.OneOrMore };
        command.Options.Add(container);
        command.Options.Add(root);
        command.Arguments.Add(arguments);
        command.TreatUnmatchedTokensAsErrors = true;
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("entrypoint runs on Linux only");
            }
            var options = (parse.GetValue(root) is { } tree ? ConsoleOptions.Under(Path.GetFullPath(tree)) : new ConsoleOptions())
                with { Log = parse.InvocationConfiguration.Error };
            Entrypoint.Prepare(options, parse.GetValue(container) ?? Environment.GetEnvironmentVariable(Entrypoint.ContainerNameVariable));
            using var stop = new CancellationTokenSource();
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
            return Entrypoint.RunAsync(parse.GetValue(arguments)!, stop.Token).GetAwaiter().GetResult();
        });
    });
}
