using System.CommandLine;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`start`, `stop`, `restart`, `rm`: each container named is acted on and echoed as given; failures are reported one a line, exit 1.</summary>
internal static class LifecycleCommands
{
    public static Command Start()
    {
        var command = new Command("start", "Start one or more stopped containers");
        var containers = Containers();
        command.Arguments.Add(containers);
        DockerAction.Set(command, (context, parse, cancellationToken) => DockerAction.ForEachAsync(context, parse.GetValue(containers)!, async name =>
        {
            await context.Client.StartContainerAsync(name, cancellationToken);
            context.Output.WriteLine(name);
        }));
        return command;
    }

    public static Command Stop() => StopOrRestart("stop", "Stop one or more running containers (the stop signal, then SIGKILL after the timeout)", restart: false);

    public static Command Restart() => StopOrRestart("restart", "Restart one or more containers", restart: true);

    public static Command Rm()
    {
        var command = new Command("rm", "Remove one or more containers");
        var containers = Containers();
        var force = new Option<bool>("--force", "-f") { Description = "Force the removal of a running container (uses SIGKILL)" };
        var volumes = new Option<bool>("--volumes", "-v") { Description = "Remove anonymous volumes associated with the container" };
        command.Arguments.Add(containers);
        command.Options.Add(force);
        command.Options.Add(volumes);
        DockerAction.Set(command, (context, parse, cancellationToken) => DockerAction.ForEachAsync(context, parse.GetValue(containers)!, async name =>
        {
            await context.Client.RemoveContainerAsync(name, parse.GetValue(force), parse.GetValue(volumes), cancellationToken);
            context.Output.WriteLine(name);
        }));
        return command;
    }

    private static Command StopOrRestart(string name, string description, bool restart)
    {
        var command = new Command(name, description);
        var containers = Containers();
        var time = new Option<int?>("--time", "-t") { Description = "Seconds to wait before killing the container" };
        command.Arguments.Add(containers);
        command.Options.Add(time);
        DockerAction.Set(command, (context, parse, cancellationToken) => DockerAction.ForEachAsync(context, parse.GetValue(containers)!, async container =>
        {
            if (restart)
            {
                await context.Client.RestartContainerAsync(container, parse.GetValue(time), cancellationToken);
            }
            else
            {
                await context.Client.StopContainerAsync(container, parse.GetValue(time), cancellationToken);
            }
            context.Output.WriteLine(container);
        }));
        return command;
    }

    private static Argument<string[]> Containers() => CommandLineShape.NoFlags(new Argument<string[]>("CONTAINER") { Description = "Container names or IDs", Arity = ArgumentArity.OneOrMore });
}
