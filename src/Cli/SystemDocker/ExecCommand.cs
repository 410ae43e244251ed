using System.CommandLine;
using System.Text.Json;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`exec CONTAINER COMMAND [ARG...]`: runs a process in a running container; the exit code is the process's.</summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var command = new Command("exec", "Execute a command in a running container");
        var detach = new Option<bool>("--detach", "-d") { Description = "Detached mode: run command in the background" };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Keep STDIN open even if not attached" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Allocate a pseudo-TTY" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set environment variables (NAME=VALUE)" };
        var user = new Option<string?>("--user", "-u") { Description = "Username or UID (format: <name|uid>[:<group|gid>])" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory inside the container" };
        var privileged = new Option<bool>("--privileged") { Description = "Give extended privileges to the command" };
        var detachKeys = new Option<string?>("--detach-keys") { Description = "Override the key sequence for detaching (default ctrl-p,ctrl-q)" };
        var container = CommandLineShape.NoFlags(new Argument<string>("CONTAINER") { Description = "Container name or ID" });
        var arguments = new Argument<string[]>("COMMAND") { Description = "The command and its arguments", Arity = ArgumentArity.OneOrMore };
        foreach (var option in new Option[] { detach, interactive, tty, env, user, workdir, privileged, detachKeys })
        {
            command.Options.Add(option);
        }
        command.Arguments.Add(container);
        command.Arguments.Add(arguments);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var name = parse.GetValue(container)!;
            var spec = new ExecSpec
            {
                AttachStdin = parse.GetValue(interactive) && !parse.GetValue(detach),
                AttachStdout = !parse.GetValue(detach),
                AttachStderr = !parse.GetValue(detach),
                Tty = parse.GetValue(tty),
                Privileged = parse.GetValue(privileged),
                User = parse.GetValue(user),
                WorkingDir = parse.GetValue(workdir),
                Env = parse.GetValue(env) is { Length: > 0 } e ? [.. e] : null,
                Cmd = [.. parse.GetValue(arguments)!],
                DetachKeys = parse.GetValue(detachKeys),
            };
            if (spec.Tty && spec.AttachStdin && !Linux.RawTerminal.IsTerminal(0))
            {
                throw new UsageException("the input device is not a TTY");
            }
            var id = await context.Client.CreateExecAsync(name, spec, cancellationToken);
            if (parse.GetValue(detach))
            {
                await context.Client.StartExecDetachedAsync(id, cancellationToken);
                return 0;
            }
            var size = spec.Tty ? AttachedStreams.TerminalSize() : null;
            var body = size is { } s ? $"{{\"Detach\":false,\"Tty\":{(spec.Tty ? "true" : "false")},\"ConsoleSize\":[{s.Rows},{s.Columns}]}}" : $"{{\"Detach\":false,\"Tty\":{(spec.Tty ? "true" : "false")}}}";
            await using (var connection = await context.Client.HijackAsync($"/exec/{Uri.EscapeDataString(id)}/start", body, cancellationToken))
            {
                var streams = new AttachedStreams(connection, spec.Tty, spec.AttachStdin, spec.DetachKeys);
                using var raw = streams.EnterRawMode();
                await streams.RunAsync((rows, columns) => context.Client.ResizeAsync("exec", id, rows, columns, CancellationToken.None), CancellationToken.None);
                if (streams.Detached)
                {
                    return 0;
                }
            }
            return await ExitCodeAsync(context.Client, id, cancellationToken);
        });
        return command;
    }

    // The engine records the exit as the stream ends; a moment's polling covers the two happening in either order.
    private static async Task<int> ExitCodeAsync(EngineClient client, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var inspect = await client.InspectExecAsync(id, cancellationToken);
            var running = inspect.TryGetProperty("Running", out var r) && r.ValueKind == JsonValueKind.True;
            if (!running && inspect.TryGetProperty("ExitCode", out var code) && code.TryGetInt32(out var exitCode))
            {
                return exitCode;
            }
            if (attempt >= 100)
            {
                throw new EngineApiException($"exec {id} did not report an exit code");
            }
            await Task.Delay(50, cancellationToken);
        }
    }
}
