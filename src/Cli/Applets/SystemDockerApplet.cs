using System.CommandLine;
using CorralOS.Cli.SystemDocker;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `system-docker COMMAND`: a native client of System Docker's API (the docker CLI is not in the console), with the
/// docker CLI's commands, flags, output and exit codes for ps, images, run, exec, logs, start, stop, restart, rm,
/// rmi, inspect, load, save, pull, tag, info, version and events.
/// </summary>
internal static class SystemDockerApplet
{
    public static Applet Create() => new(
        "system-docker",
        $"A docker-compatible client for System Docker ({DockerContext.DefaultHost}, or $SYSTEM_DOCKER_HOST, or -H)",
        command =>
        {
            command.Options.Add(DockerContext.HostOption);
            foreach (var subcommand in Commands())
            {
                command.Subcommands.Add(subcommand);
            }
            command.SetAction(parse =>
            {
                parse.InvocationConfiguration.Error.WriteLine("system-docker: a command is required; see 'system-docker --help'");
                return 1;
            });
        })
    {
        NormalizeArguments = CommandLineShape.Normalize,
        UsageExitCode = CommandLineShape.UsageExitCode,
    };

    public static IEnumerable<Command> Commands() =>
    [
        ListCommands.Ps(),
        ListCommands.Images(),
        RunCommand.Create(),
        ExecCommand.Create(),
        LogsCommand.Create(),
        LifecycleCommands.Start(),
        LifecycleCommands.Stop(),
        LifecycleCommands.Restart(),
        LifecycleCommands.Rm(),
        ImageCommands.Rmi(),
        InspectCommand.Create(),
        ImageCommands.Load(),
        ImageCommands.Save(),
        ImageCommands.Pull(),
        ImageCommands.Tag(),
        SystemCommands.Info(),
        SystemCommands.Version(),
        SystemCommands.Events(),
    ];
}
