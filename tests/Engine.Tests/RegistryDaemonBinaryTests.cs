using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>
/// The NativeAOT `ros system-dockerd` from dist/ pushes and pulls through a token-auth registry: credentials from the
/// CLI for the push, from --registry-auth-file for the pull (source-generated JSON, TLS-free loopback http).
/// </summary>
public sealed class RegistryDaemonBinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-dockerd-registry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_published_binary_pushes_and_pulls_with_token_auth()
    {
        var ros = Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros);
        using var tokens = new TokenServer("carol", "aot-pass");
        await using var registry = await LocalRegistry.StartWithTokenAuthAsync(tokens);
        var authFile = Path.Combine(_dir, "registry-auths.json");
        await File.WriteAllTextAsync(authFile, new JsonObject { [registry.Host] = new JsonObject { ["Username"] = "carol", ["Password"] = "aot-pass" } }.ToJsonString(), TestContext.Current.CancellationToken);
        var socket = Path.Combine(_dir, "d.sock");
        var info = new ProcessStartInfo(ros) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "system-dockerd", "--host", "unix://" + socket, "--data-root", Path.Combine(_dir, "data"), "--exec-root", Path.Combine(_dir, "exec"), "--log-level", "warn", "--registry-auth-file", authFile })
        {
            info.ArgumentList.Add(arg);
        }
        using var daemon = Process.Start(info)!;
        var stderr = daemon.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            for (var i = 0; i < 200 && !File.Exists(Path.Combine(_dir, "exec", "system-dockerd.pid")); i++)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            Assert.True(File.Exists(Path.Combine(_dir, "exec", "system-dockerd.pid")), "the daemon did not come up in 10 s");

            var name = $"{registry.Host}/aot/app";
            var image = TestImage.Simple(name + ":1", "aot");
            var archive = Path.Combine(_dir, "app.tar");
            await File.WriteAllBytesAsync(archive, TestImage.Tar(image.DockerSaveFiles(gzipLayers: true)), TestContext.Current.CancellationToken);
            var withLogin = Directory.CreateDirectory(Path.Combine(_dir, "cli-login")).FullName;
            var anonymous = Directory.CreateDirectory(Path.Combine(_dir, "cli-anonymous")).FullName;
            RegistryTestEngine.StoreCliLogin(withLogin, registry.Host, "carol", "aot-pass");
            Assert.Equal(0, (await RegistryTestEngine.RunDockerAsync(socket, anonymous, "load", "-i", archive)).Exit);

            var push = await RegistryTestEngine.RunDockerAsync(socket, withLogin, "push", name + ":1");
            Assert.True(push.Exit == 0, push.Error);
            Assert.Contains("1: digest: sha256:", push.Output, StringComparison.Ordinal);
            Assert.Equal(0, (await RegistryTestEngine.RunDockerAsync(socket, anonymous, "rmi", name + ":1")).Exit);

            var pull = await RegistryTestEngine.RunDockerAsync(socket, anonymous, "pull", name + ":1");
            Assert.True(pull.Exit == 0, pull.Error + pull.Output);
            Assert.Contains($"Status: Downloaded newer image for {name}:1", pull.Output, StringComparison.Ordinal);
            var id = await RegistryTestEngine.RunDockerAsync(socket, anonymous, "inspect", "--format", "{{.Id}}", name + ":1");
            Assert.Equal(image.Id + "\n", id.Output);
            Assert.Contains("carol repository:aot/app:pull yes", tokens.Requests);

            Assert.Equal(0, (await TestEngine.RunAsync("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)])).Exit);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await daemon.WaitForExitAsync(timeout.Token);
            Assert.True(daemon.ExitCode == 0, await stderr);
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
