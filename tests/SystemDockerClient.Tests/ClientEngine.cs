using System.Diagnostics;
using System.Text;
using CorralOS.Engine.Tests;

namespace CorralOS.SystemDockerClient.Tests;

/// <summary>
/// One engine for a test class (class fixture) with busybox:test loaded, and the two clients pointed at it:
/// `ros system-docker` (the ros built with these tests, or $CORRALOS_DIST/ros when set) and the real docker CLI.
/// </summary>
public sealed class ClientEngine : IAsyncLifetime
{
    public TestEngine Engine { get; private set; } = null!;

    /// <summary>A PATH without the docker CLI, as in the console.</summary>
    public const string NoDockerPath = "/usr/sbin:/usr/bin:/sbin:/bin";

    public string Host => "unix://" + Engine.Socket;

    /// <summary>The ros binary: $CORRALOS_DIST/ros (a published image's) when set, else the one built next to these tests.</summary>
    public static string Ros => Environment.GetEnvironmentVariable("CORRALOS_DIST") is { Length: > 0 }
        ? Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros)
        : Testing.RepoPaths.RequireFile(Path.Combine(AppContext.BaseDirectory, "ros"));

    public async ValueTask InitializeAsync()
    {
        Engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(Engine);
    }

    public ValueTask DisposeAsync() => Engine.DisposeAsync();

    /// <summary>`ros system-docker ARGS` with SYSTEM_DOCKER_HOST set to this engine.</summary>
    public Task<Result> SystemDockerAsync(params string[] args) => RunAsync(Ros, ["system-docker", .. args], null);

    public Task<Result> SystemDockerWithInputAsync(byte[] input, params string[] args) => RunAsync(Ros, ["system-docker", .. args], input);

    public Task<Result> DockerAsync(params string[] args) => RunAsync("/usr/local/bin/docker", ["-H", Host, .. args], null);

    public Task<Result> DockerWithInputAsync(byte[] input, params string[] args) => RunAsync("/usr/local/bin/docker", ["-H", Host, .. args], input);

    /// <summary>Runs ARGS with a clean stdin (closed, or the given bytes) and returns exit code, stdout and stderr.</summary>
    public async Task<Result> RunAsync(string file, IEnumerable<string> args, byte[]? input, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["SYSTEM_DOCKER_HOST"] = Host;
        // The console has no docker CLI: neither has the client here (the CLI is /usr/local/bin/docker).
        info.Environment["PATH"] = file == Ros ? NoDockerPath : Environment.GetEnvironmentVariable("PATH");
        info.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "corralos-docker-config");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(output, TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, TestContext.Current.CancellationToken);
        }
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await copyOut;
        return new Result(process.ExitCode, output.ToArray(), await error);
    }

    /// <summary>A finished client: exit code, stdout (text and bytes), stderr.</summary>
    public sealed record Result(int Exit, byte[] OutputBytes, string Error)
    {
        public string Output => Encoding.UTF8.GetString(OutputBytes);

        public Result Ok()
        {
            Assert.True(Exit == 0, $"exit {Exit}: {Error}");
            return this;
        }
    }
}
