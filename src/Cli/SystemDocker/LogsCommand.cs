using System.CommandLine;
using System.Text.Json;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`logs`: a container's output as it was written (stdout to stdout, stderr to stderr), -f, --tail, -t, --since.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var command = new Command("logs", "Fetch the logs of a container");
        var container = CommandLineShape.NoFlags(new Argument<string>("CONTAINER") { Description = "Container name or ID" });
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow log output" };
        var tail = new Option<string>("--tail", "-n") { Description = "Number of lines to show from the end of the logs", DefaultValueFactory = _ => "all" };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Show timestamps" };
        var since = new Option<string?>("--since") { Description = "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)" };
        command.Arguments.Add(container);
        command.Options.Add(follow);
        command.Options.Add(since);
        command.Options.Add(tail);
        command.Options.Add(timestamps);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var name = parse.GetValue(container)!;
            var details = await context.Client.InspectContainerDocumentAsync(name, cancellationToken);
            var tty = details.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Object
                && config.TryGetProperty("Tty", out var t) && t.ValueKind == JsonValueKind.True;
            await using var stdout = context.OpenStandardOutput();
            await using var stderr = context.OpenStandardError();
            try
            {
                await context.Client.LogsAsync(name, tty, stdout, stderr, parse.GetValue(follow), parse.GetValue(tail)!, parse.GetValue(timestamps),
                    Timestamps.ToQuery(parse.GetValue(since), DateTimeOffset.UtcNow), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // ctrl-c ends a followed log
            }
            return 0;
        });
        return command;
    }
}
