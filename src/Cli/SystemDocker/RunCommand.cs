using System.CommandLine;
using System.Runtime.InteropServices;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.SystemDocker;

/// <summary>
/// `run IMAGE [COMMAND] [ARG...]`: create (pulling a missing image first), attach, start, wait, as the docker CLI
/// does; the exit code is the container's, 125 when the engine refuses, 126/127 when the command cannot run.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Create and run a new container from an image");
        var options = new RunOptions(command);
        var image = CommandLineShape.NoFlags(new Argument<string>("IMAGE") { Description = "The image to run" });
        var arguments = new Argument<string[]>("COMMAND") { Description = "The command and its arguments (default: the image's)", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(image);
        command.Arguments.Add(arguments);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var spec = options.ToSpec(parse, parse.GetValue(image)!, parse.GetValue(arguments)!);
            var detach = parse.GetValue(options.Detach);
            if (spec.Tty && spec.OpenStdin && !Linux.RawTerminal.IsTerminal(0))
            {
                throw new UsageException("the input device is not a TTY");
            }
            var id = await CreateAsync(context, parse.GetValue(options.Name), spec, cancellationToken);
            if (detach)
            {
                await StartAsync(context, id, cancellationToken);
                context.Output.WriteLine(id);
                return 0;
            }
            return await RunAttachedAsync(context, id, spec, parse.GetValue(options.DetachKeys), cancellationToken);
        }, failure: 125);
        return command;
    }

    private static async Task<int> RunAttachedAsync(DockerContext context, string id, ContainerSpec spec, string? detachKeys, CancellationToken cancellationToken)
    {
        var query = $"/containers/{Uri.EscapeDataString(id)}/attach?stream=1&stdin={(spec.OpenStdin ? 1 : 0)}&stdout=1&stderr=1";
        if (!string.IsNullOrEmpty(detachKeys))
        {
            query += "&detachKeys=" + Uri.EscapeDataString(detachKeys);
        }
        await using var connection = await context.Client.HijackAsync(query, null, cancellationToken);
        // As the docker CLI: the wait is registered before the start, so an exit right after it is not missed.
        var exited = await context.Client.BeginWaitAsync(id, spec.HostConfig.AutoRemove ? "removed" : "next-exit", CancellationToken.None);
        var streams = new AttachedStreams(connection, spec.Tty, spec.OpenStdin, detachKeys);
        using var raw = streams.EnterRawMode();
        // The engine keeps a size given before the start for the TTY it makes, so the first screen is already right.
        if (spec.Tty && AttachedStreams.TerminalSize() is { } size)
        {
            await context.Client.ResizeAsync("containers", id, size.Rows, size.Columns, cancellationToken);
        }
        await StartAsync(context, id, cancellationToken);
        // Without a TTY, ctrl-c and SIGTERM go to the container (docker's --sig-proxy); with one, the keys do.
        using var interrupt = spec.Tty ? null : PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Forward(c, context, id, "SIGINT"));
        using var terminate = spec.Tty ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Forward(c, context, id, "SIGTERM"));
        await streams.RunAsync((rows, columns) => context.Client.ResizeAsync("containers", id, rows, columns, CancellationToken.None), CancellationToken.None);
        if (streams.Detached)
        {
            return 0;
        }
        return (int)await exited;
    }

    private static void Forward(PosixSignalContext signal, DockerContext context, string id, string name)
    {
        signal.Cancel = true;
        _ = context.Client.KillContainerAsync(id, name).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Creates the container; an image the engine does not have is pulled first ("Unable to find image ... locally").</summary>
    public static async Task<string> CreateAsync(DockerContext context, string? name, ContainerSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return await context.Client.CreateContainerAsync(name, spec, cancellationToken);
        }
        catch (EngineApiException e) when (e.IsNotFound && e.Message.StartsWith("No such image", StringComparison.OrdinalIgnoreCase))
        {
            var reference = ImageReference.HasTagOrDigest(spec.Image!) ? spec.Image! : spec.Image + ":latest";
            context.Error.WriteLine($"Unable to find image '{reference}' locally");
            await ImageCommands.PullAsync(context, reference, context.Error, cancellationToken);
            return await context.Client.CreateContainerAsync(name, spec, cancellationToken);
        }
    }

    // A start the runtime refuses: 127 when the command is not there, 126 when it cannot be run (as docker).
    private static async Task StartAsync(DockerContext context, string id, CancellationToken cancellationToken)
    {
        try
        {
            await context.Client.StartContainerAsync(id, cancellationToken);
        }
        catch (EngineApiException e) when (e.Status is not null && CommandFailure(e.Message) is { } code)
        {
            throw new ContainerCommandException(e.Message, code);
        }
    }

    // The docker CLI's own test, case and all, so both clients agree on an engine's message.
    private static int? CommandFailure(string message) =>
        message.Contains("executable file not found", StringComparison.Ordinal) || message.Contains("no such file or directory", StringComparison.Ordinal) ? 127
        : message.Contains("permission denied", StringComparison.Ordinal) || message.Contains("is a directory", StringComparison.Ordinal) ? 126
        : null;
}

/// <summary>The container's command could not be started: docker's 126 (not executable) or 127 (not found).</summary>
internal sealed class ContainerCommandException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
