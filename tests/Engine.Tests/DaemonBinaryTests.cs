using System.Diagnostics;

namespace CorralOS.Engine.Tests;

/// <summary>`ros system-dockerd` from dist/ (the NativeAOT binary): serves the socket, runs containers, stops cleanly on SIGTERM.</summary>
public sealed class DaemonBinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-dockerd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_published_binary_serves_docker_and_stops_on_sigterm()
    {
        var ros = Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros);
        var socket = Path.Combine(_dir, "d.sock");
        var info = new ProcessStartInfo(ros) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "system-dockerd", "--host", "unix://" + socket, "--data-root", Path.Combine(_dir, "data"), "--exec-root", Path.Combine(_dir, "exec"), "--log-level", "warn" })
        {
            info.ArgumentList.Add(arg);
        }
        using var daemon = Process.Start(info)!;
        var stderr = daemon.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await WaitForAsync(() => File.Exists(Path.Combine(_dir, "exec", "system-dockerd.pid")));
            var image = TestImage.Simple("bin/app:1");
            var archive = Path.Combine(_dir, "app.tar");
            await File.WriteAllBytesAsync(archive, TestImage.Tar(image.DockerSaveFiles()), TestContext.Current.CancellationToken);
            var load = await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "load", "-i", archive]);
            Assert.True(load.Exit == 0, load.Error);
            var id = await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "inspect", "--format", "{{.Id}}", "bin/app:1"]);
            Assert.Equal(image.Id + "\n", id.Output);

            // Containers under the NativeAOT daemon: exact exit code, output, and no zombie child of the daemon after.
            var busybox = BusyboxImage.Create("bin/busybox:1");
            await File.WriteAllBytesAsync(archive, TestImage.Tar(busybox.DockerSaveFiles()), TestContext.Current.CancellationToken);
            Assert.Equal(0, (await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "load", "-i", archive])).Exit);
            var run = await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "run", "--rm", "bin/busybox:1", "sh", "-c", "echo aot; exit 3"]);
            Assert.True(run.Exit == 3, run.Error);
            Assert.Equal("aot\n", run.Output);
            var detached = await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "run", "-d", "bin/busybox:1", "sh", "-c", "sleep 0.2 & exit 0"]);
            Assert.True(detached.Exit == 0, detached.Error);
            var wait = await TestEngine.RunAsync("docker", ["-H", "unix://" + socket, "wait", detached.Output.Trim()]);
            Assert.Equal("0\n", wait.Output);
            Assert.Empty(await ProcFacts.ZombieChildrenAsync(daemon.Id));

            var kill = await TestEngine.RunAsync("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(0, kill.Exit);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await daemon.WaitForExitAsync(timeout.Token);
            Assert.True(daemon.ExitCode == 0, await stderr);
            Assert.False(File.Exists(socket));
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill();
            }
        }
    }

    [Fact]
    public async Task A_bad_host_is_one_line_and_non_zero()
    {
        var result = await TestEngine.RunAsync(Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros), ["system-dockerd", "--host", "tcp://0.0.0.0:2375", "--data-root", Path.Combine(_dir, "data")]);
        Assert.NotEqual(0, result.Exit);
        Assert.Equal("ros: unsupported --host tcp://0.0.0.0:2375: only unix:///absolute/path is served\n", result.Error);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), "the daemon did not come up in 10 s");
    }
}
