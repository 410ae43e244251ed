using CorralOS.Config;
using CorralOS.Console.CloudInit;
using CorralOS.Linux;

namespace CorralOS.Console;

/// <summary>
/// `ros entrypoint COMMAND...`, the entrypoint of system containers built on os-base (reference §1.9): bind the host's
/// /dev (mounted at /host/dev) over /dev with its submounts, install the CA bundle shipped as
/// ca-certificates.crt.rancher, write the write_files entries whose container is this one, link the applets, then
/// run the command. Managed code never execs, so the command runs as a child: signals that stop a container
/// (SIGTERM, SIGINT, SIGHUP) are passed on, and the entrypoint exits with the command's exit code.
/// </summary>
public static class Entrypoint
{
    public const string ContainerNameVariable = "CORRALOS_CONTAINER_NAME";

    /// <summary>Steps before the command; returns the problems (also logged), none of them fatal.</summary>
    public static IReadOnlyList<string> Prepare(ConsoleOptions options, string? containerName)
    {
        var problems = new List<string>();
        void Step(string name, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                problems.Add($"{name}: {e.Message}");
            }
        }

        var hostDev = options.InRoot("/host/dev");
        if (Directory.Exists(hostDev) && Directory.EnumerateFileSystemEntries(hostDev).Any())
        {
            Step("/dev", () =>
            {
                var exit = ProgramRunner.Run([options.Busybox, "mount", "--rbind", hostDev, options.Dev]);
                if (exit != 0)
                {
                    throw new InvalidOperationException($"mount --rbind {hostDev} {options.Dev} exited with {exit}");
                }
            });
        }
        var bundle = Path.Combine(options.Etc, "ssl", "certs", "ca-certificates.crt");
        if (File.Exists(bundle + ".rancher"))
        {
            Step("CA bundle", () => File.Copy(bundle + ".rancher", bundle, overwrite: true));
        }
        if (!string.IsNullOrEmpty(containerName) && containerName != WriteFiles.ConsoleContainer)
        {
            Step("write_files", () =>
            {
                var files = new ConfigLoader(options.Config).Load().Model.WriteFiles ?? [];
                var mine = files.Where(f => f.Container == containerName).ToList();
                foreach (var file in mine)
                {
                    file.Container = null; // written here, as for the console
                }
                problems.AddRange(WriteFiles.Apply(options, new UserDatabase(options.Etc), mine));
            });
        }
        Step("applet links", () => AppletLinks.Ensure(options));
        foreach (var problem in problems)
        {
            options.Log.WriteLine($"entrypoint: {problem}");
        }
        return problems;
    }

    /// <summary>Runs the command with the entrypoint's stdio until it exits; <paramref name="stop"/> passes SIGTERM on.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> command, CancellationToken stop)
    {
        using var child = ProgramRunner.Start(command);
        using var forward = stop.Register(() =>
        {
            try
            {
                if (!child.HasExited)
                {
                    Processes.Kill(child.Id, Signals.SIGTERM);
                }
            }
            catch (Exception e) when (e is SystemCallException or InvalidOperationException)
            {
                // It exited meanwhile.
            }
        });
        await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return child.ExitCode;
    }
}
