using CorralOS.Config;
using CorralOS.Console.CloudInit;
using CorralOS.Linux;

namespace CorralOS.Console;

/// <summary>
/// `ros entrypoint COMMAND...`, the entrypoint of system containers built on os-base (reference §1.9): bind the host's
/// /dev (mounted at /host/dev) over /dev with its submounts, install the CA bundle shipped as
/// ca-certificates.crt.rancher, write the write_files entries whose container is this one, link the applets, then
/// exec the command, as RancherOS's entrypoint did: the command becomes the container's process, gets its stop signal
/// and gives its exit status directly, and no .NET process stays behind as its parent (a few MB of RAM per system
/// container, issue 5). A command that is `ros` itself (an applet) runs in this process instead, with the same result.
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
            // mount(2) itself rather than `busybox mount --rbind`: one process start less in every system container.
            Step("/dev", () => Mounts.Bind(hostDev, options.Dev, recursive: true));
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
                var files = new ConfigLoader(options.Config).Load().ModelOf("write_files").WriteFiles ?? [];
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

    /// <summary>
    /// Replaces this process with <paramref name="command"/> (looked up in PATH). Returns only when it cannot be
    /// executed, with the status a shell gives then, having written one line naming the command to <paramref name="log"/>.
    /// </summary>
    public static int Exec(IReadOnlyList<string> command, TextWriter log)
    {
        try
        {
            ProcessImage.Become(command);
            throw new System.Diagnostics.UnreachableException("execvp returned without an error");
        }
        catch (SystemCallException e) when (e.Call == "execvp")
        {
            var (status, line) = ExecFailure(command[0], e.Errno);
            log.WriteLine(line);
            return status;
        }
    }

    /// <summary>
    /// Whether <paramref name="command"/> (looked up in PATH as execvp does) is this very program: a `ros` applet such as
    /// netconf, ntp or `ros user-docker`. The caller then runs it in this process instead of executing it, which is
    /// what the exec would give (the same process, its stop signal, its exit status) without a second `ros` start
    /// (about 0.1 s of CPU under software emulation, on the way to `started` for the network).
    /// </summary>
    public static bool IsThisProgram(string command) =>
        ProgramPath.Find(command) is { } path && FileIdentity.Of(path) is { } file && file == FileIdentity.Of("/proc/self/exe");

    /// <summary>As sh(1): 127 and "not found" when there is no such program, 126 when it cannot be executed.</summary>
    public static (int Status, string Line) ExecFailure(string command, int errno) => errno == ENOENT
        ? (127, $"entrypoint: {command}: not found")
        : (126, $"entrypoint: {command}: cannot execute: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");

    private const int ENOENT = 2;
}
