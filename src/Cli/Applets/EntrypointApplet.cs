using System.CommandLine;
using CorralOS.Console;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `entrypoint [--container NAME] COMMAND [ARG...]`: the entrypoint of os-base system containers (docs/console.md):
/// host /dev, CA bundle, this container's write_files, applet links, then it execs the command (127 when the command is
/// not found, 126 when it cannot be executed), or runs it here when it is a `ros` applet.
/// </summary>
internal static class EntrypointApplet
{
    public static Applet Create() => new("entrypoint", "Prepare a system container (host /dev, write_files for it, applet links) and exec its command (a ros applet runs in this process)", command =>
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
            var command = parse.GetValue(arguments)!;
            return Entrypoint.IsThisProgram(command[0])
                ? Dispatcher.Run(command[0], command[1..], parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)
                : Entrypoint.Exec(command, options.Log);
        });
    });
}
