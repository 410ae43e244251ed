using System.Diagnostics;
using System.Globalization;

namespace CorralOS.Cli.Tests;

/// <summary>
/// `ros entrypoint` from the NativeAOT binary (dist/ros): it execs the command, so the command is the process the
/// engine started, starts with SIGPIPE at its default and nothing blocked (not as .NET leaves them) and only the
/// standard streams open, and a command that cannot run gets a shell's status and one line. A command that is ros
/// itself (an applet) runs in the entrypoint's process instead of a second ros start.
/// </summary>
public sealed class PublishedEntrypointTests : IDisposable
{
    private const ulong SigpipeBit = 1UL << (13 - 1);

    private readonly string _root = Directory.CreateTempSubdirectory("corralos-entrypoint-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Process Start(params string[] command)
    {
        var info = new ProcessStartInfo(Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["entrypoint", "--root", _root, .. command])
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info)!;
    }

    private (int Exit, string Output, string Error) Run(params string[] command)
    {
        using var process = Start(command);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    private static ulong StatusMask(string status, string field) =>
        ulong.Parse(status.Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_command_replaces_the_entrypoint_with_sigpipe_at_default_nothing_blocked_and_only_the_standard_streams()
    {
        // The test host is .NET too: what it starts inherits SIGPIPE ignored, as the engine's containers would.
        Assert.NotEqual(0UL, StatusMask(File.ReadAllText("/proc/self/status"), "SigIgn") & SigpipeBit);
        using var process = Start("sleep", "100");
        var ros = Path.GetFullPath(Testing.RepoPaths.Ros);
        var exe = $"/proc/{process.Id}/exe";
        var clock = Stopwatch.StartNew();
        while (new FileInfo(exe).LinkTarget is var target && (target is null || target == ros) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal("sleep", Path.GetFileName(new FileInfo(exe).LinkTarget));
        var status = File.ReadAllText($"/proc/{process.Id}/status");
        Assert.Equal(0UL, StatusMask(status, "SigIgn") & SigpipeBit);
        Assert.Equal(0UL, StatusMask(status, "SigBlk"));
        Assert.Equal(["0", "1", "2"], Directory.GetFileSystemEntries($"/proc/{process.Id}/fd").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // SIGTERM reaches the command itself: its status is the container's.
        Linux.Processes.Kill(process.Id, Linux.Signals.SIGTERM);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(128 + Linux.Signals.SIGTERM, process.ExitCode);
    }

    [Fact]
    public void The_exit_status_is_the_commands()
    {
        Assert.Equal((7, "out\n", "err\n"), Run("sh", "-c", "echo out; echo err >&2; exit 7"));
    }

    [Fact]
    public void A_command_not_found_exits_127_and_one_not_executable_126_each_with_one_line_naming_it()
    {
        Assert.Equal((127, "", "entrypoint: corralos-no-such-command: not found\n"), Run("corralos-no-such-command"));

        var script = Path.Combine(_root, "not-executable");
        File.WriteAllText(script, "#!/bin/sh\n");
        Assert.Equal((126, "", $"entrypoint: {script}: cannot execute: Permission denied\n"), Run(script));
    }

    [Fact]
    public async Task A_ros_applet_runs_in_the_entrypoints_own_process()
    {
        // wait-for-docker on a socket nobody serves stays in its wait; its process's command line says which process
        // it is: the entrypoint's (run here) or its own (executed).
        var ros = Path.GetFullPath(Testing.RepoPaths.Ros);
        var socket = "unix://" + Path.Combine(_root, "nobody.sock");
        using var process = Start(ros, "wait-for-docker", "-H", socket, "-t", "2");
        var cmdline = $"/proc/{process.Id}/cmdline";
        var clock = Stopwatch.StartNew();
        string seen = "";
        while (clock.Elapsed < TimeSpan.FromSeconds(1) && !process.HasExited)
        {
            seen = File.ReadAllText(cmdline).Replace('\0', ' ').Trim();
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal($"{ros} entrypoint --root {_root} {ros} wait-for-docker -H {socket} -t 2", seen);
        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith("wait-for-docker: ", await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
