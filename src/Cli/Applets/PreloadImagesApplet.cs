using System.CommandLine;
using CorralOS.Docker;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `preload-images`: the preload-user-images service's command (docs/user-docker.md). Waits for User Docker, then loads
/// the new archives of /var/lib/rancher/preload/docker; each line goes to stdout and to User Docker's log.
/// </summary>
internal static class PreloadImagesApplet
{
    private static readonly TimeSpan s_afterLimit = TimeSpan.FromMinutes(5);

    private static async Task<bool> WaitForFileAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + s_afterLimit;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(200, cancellationToken);
        }
        return true;
    }

    public static Applet Create() => new("preload-images", "Load the image archives in /var/lib/rancher/preload/docker into User Docker, once each", command =>
    {
        var host = HostOption.UserDocker();
        var folder = new Option<string>("--dir", "-d") { Description = "The folder of archives", DefaultValueFactory = _ => UserImagePreload.DefaultFolder };
        // No limit by default: a first start of User Docker on a slow or busy machine can take minutes, and a preload
        // that gave up would be lost for that boot.
        var timeout = new Option<int>("--timeout", "-t") { Description = "Seconds to wait for the engine at most (0: as long as it takes)", DefaultValueFactory = _ => 0 };
        var logFile = new Option<string>("--log") { Description = "File each line is also appended to (empty: none)", DefaultValueFactory = _ => UserDockerLaunch.DefaultLogFile };
        var after = new Option<string>("--after")
        {
            Description = $"Wait until this file exists (at most {s_afterLimit.TotalMinutes:0} minutes) before reading the folder: the console writes {Linux.ConsoleDoneFile.DefaultPath} once its write_files and start scripts are done",
        };
        command.Options.Add(host);
        command.Options.Add(folder);
        command.Options.Add(timeout);
        command.Options.Add(logFile);
        command.Options.Add(after);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var appendTo = parse.GetValue(logFile);
            void Log(string line)
            {
                line = $"preload-images: {line}";
                output.WriteLine(line);
                if (!string.IsNullOrEmpty(appendTo))
                {
                    try
                    {
                        File.AppendAllText(appendTo, line + "\n");
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        output.WriteLine($"preload-images: {appendTo}: {e.Message}");
                        appendTo = null;
                    }
                }
            }
            if (parse.GetValue(after) is { Length: > 0 } afterFile && !await WaitForFileAsync(afterFile, cancellationToken))
            {
                Log($"{afterFile} did not appear within {s_afterLimit.TotalMinutes:0} minutes; loading what is there");
            }
            var directory = parse.GetValue(folder)!;
            if (!Directory.Exists(directory) || !Directory.EnumerateFiles(directory).Any())
            {
                return 0; // nothing to wait for the engine for
            }
            try
            {
                var seconds = parse.GetValue(timeout);
                await EngineWait.WaitAsync(parse.GetValue(host)!, seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or ArgumentException)
            {
                Log(e.Message);
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped (the system shuts down) before User Docker answered: the next boot loads them.
                Log("stopped before docker answered; the archives load at the next boot");
                return 1;
            }
            using var engine = new EngineClient(parse.GetValue(host)!);
            return await new UserImagePreload(engine, Log).RunAsync(directory, cancellationToken) == 0 ? 0 : 1;
        });
    });
}
