using System.Diagnostics;
using CorralOS.Engine.Api;
using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Tests;

/// <summary>`--log-file`: the engine's log goes to the file (appended, one line per entry), not to stderr.</summary>
public sealed class LogFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-logfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_engine_appends_its_log_to_the_file_it_is_given()
    {
        var log = Path.Combine(_dir, "var/log/engine.log");
        var options = new EngineOptions
        {
            SocketPath = Path.Combine(_dir, "e.sock"),
            DataRoot = Path.Combine(_dir, "data"),
            ExecRoot = Path.Combine(_dir, "exec"),
            LogLevel = LogLevel.Information,
            LogFile = log,
            Version = "0.0.0-test",
        };
        await using (await EngineServer.StartAsync(options, TestContext.Current.CancellationToken))
        {
        }
        await using (await EngineServer.StartAsync(options, TestContext.Current.CancellationToken))
        {
        }
        var lines = await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken);
        var listening = lines.Where(l => l.Contains($"info system-dockerd: API listening on {options.SocketPath}", StringComparison.Ordinal)).ToList();
        Assert.True(listening.Count == 2, string.Join('\n', lines));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info ", listening[0]);
    }

    [Fact]
    public async Task The_published_daemon_with_log_file_writes_there_and_not_to_stderr()
    {
        var ros = Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros);
        var socket = Path.Combine(_dir, "d.sock");
        var log = Path.Combine(_dir, "daemon.log");
        var info = new ProcessStartInfo(ros) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "system-dockerd", "--host", "unix://" + socket, "--data-root", Path.Combine(_dir, "data"), "--exec-root", Path.Combine(_dir, "exec"), "--log-file", log })
        {
            info.ArgumentList.Add(arg);
        }
        using var daemon = Process.Start(info)!;
        var stdout = daemon.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = daemon.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            for (var i = 0; i < 200 && !File.Exists(Path.Combine(_dir, "exec", "system-dockerd.pid")); i++)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            Assert.True(File.Exists(Path.Combine(_dir, "exec", "system-dockerd.pid")), "the daemon did not come up in 10 s: " + (daemon.HasExited ? await stderr : ""));
            var missing = await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "inspect", "no-such-thing"]);
            Assert.NotEqual(0, missing.Exit);
            Assert.Equal(0, (await TestEngine.RunAsync("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).Exit);
            await daemon.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, daemon.ExitCode);
            Assert.Equal("", await stdout);
            Assert.Equal("", await stderr);
            Assert.Contains($" info system-dockerd: API listening on {socket}", await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill();
            }
        }
    }
}
