using System.CommandLine;
using CorralOS.Cli.SystemDocker.Formatting;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.SystemDocker;

/// <summary>
/// A command's action with the docker CLI's error lines and exit codes in one place: an engine error is
/// "Error response from daemon: MESSAGE", an unreachable engine "Cannot connect to ...", a bad argument or template
/// "Error: ..."; each ends the command with the failure exit (1, or 125 for run as docker does).
/// </summary>
internal static class DockerAction
{
    public static void Set(Command command, Func<DockerContext, ParseResult, CancellationToken, Task<int>> body, int failure = 1)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = DockerContext.From(parse);
            try
            {
                return await body(context, parse, cancellationToken);
            }
            catch (ContainerCommandException e)
            {
                context.Output.Flush();
                context.Error.WriteLine($"Error response from daemon: {e.Message}");
                return e.ExitCode;
            }
            catch (Exception e) when (Describe(e, context.Host) is { } line)
            {
                context.Output.Flush();
                context.Error.WriteLine(line);
                return failure;
            }
        });
    }

    /// <summary>The one line the docker CLI would print for this failure, or null for an unexpected exception.</summary>
    public static string? Describe(Exception e, string host) => e switch
    {
        EngineApiException { Status: null } => $"Cannot connect to System Docker at {host}. Is system-dockerd running? ({e.Message})",
        EngineApiException => $"Error response from daemon: {e.Message}",
        TemplateException => $"Error: {e.Message}",
        UsageException => $"Error: {e.Message}",
        ArgumentException or IOException or UnauthorizedAccessException => $"Error: {e.Message}",
        _ => null,
    };

    /// <summary>
    /// Runs <paramref name="each"/> for every argument as `docker stop A B` does: a failure is reported on its line
    /// and the rest still run; the exit is 1 when any failed.
    /// </summary>
    public static async Task<int> ForEachAsync(DockerContext context, IEnumerable<string> items, Func<string, Task> each)
    {
        var failed = false;
        foreach (var item in items)
        {
            try
            {
                await each(item);
            }
            catch (Exception e) when (Describe(e, context.Host) is { } line)
            {
                context.Output.Flush();
                context.Error.WriteLine(line);
                failed = true;
            }
        }
        return failed ? 1 : 0;
    }
}

/// <summary>A command line the engine was never asked about is wrong (a bad --filter, an unreadable -i file).</summary>
internal sealed class UsageException(string message) : Exception(message);
