using System.Diagnostics;

namespace CorralOS.Engine.Tests;

/// <summary>`ros system-docker` (dist/ros): the docker CLI with System Docker's socket in front, its exit code, and a clear line without a CLI.</summary>
public sealed class SystemDockerAppletTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static async Task<(int Exit, string Output, string Error)> RosAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros)) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("system-docker");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "corralos-docker-config");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task System_docker_runs_the_docker_cli_against_SYSTEM_DOCKER_HOST()
    {
        var host = new Dictionary<string, string> { ["SYSTEM_DOCKER_HOST"] = "unix://" + _engine.Socket };
        var (exit, output, error) = await RosAsync(host, "version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}");
        Assert.True(exit == 0, error);
        Assert.Equal("0.0.0-test 1.41\n", output);

        // The CLI's own exit code comes back (an unknown image is 1 from `docker inspect`).
        (exit, _, error) = await RosAsync(host, "image", "inspect", "no-such-image");
        Assert.Equal(1, exit);
        Assert.Contains("no-such-image", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_docker_cli_it_says_so_in_one_line()
    {
        var (exit, output, error) = await RosAsync(new Dictionary<string, string> { ["PATH"] = "/nonexistent", ["SYSTEM_DOCKER_CLI"] = "" }, "ps");
        Assert.Equal(127, exit);
        Assert.Empty(output);
        Assert.Equal("system-docker: no docker CLI found (install one on PATH or set SYSTEM_DOCKER_CLI)\n", error);

        (exit, output, _) = await RosAsync(new Dictionary<string, string>(), "--help");
        Assert.Equal(0, exit);
        Assert.Contains("The docker CLI against System Docker", output, StringComparison.Ordinal);
    }
}
