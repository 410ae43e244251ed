using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CorralOS.Engine.Api;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Tests;

/// <summary>
/// An in-process engine for registry tests: optionally with a registry auth file (as init writes from
/// rancher.registry_auths), and a docker CLI whose config directory (its stored logins) belongs to this engine.
/// </summary>
public sealed class RegistryTestEngine : IAsyncDisposable
{
    private RegistryTestEngine(string dir, EngineServer server)
    {
        Dir = dir;
        Server = server;
        Http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectAsync }) { BaseAddress = new Uri("http://localhost"), Timeout = TimeSpan.FromSeconds(60) };
        Directory.CreateDirectory(DockerConfig);
    }

    public string Dir { get; }

    public EngineServer Server { get; }

    public HttpClient Http { get; }

    public string Socket => Path.Combine(Dir, "engine.sock");

    public string DataRoot => Path.Combine(Dir, "data");

    /// <summary>DOCKER_CONFIG of this engine's docker CLI runs.</summary>
    public string DockerConfig => Path.Combine(Dir, "docker-config");

    public static async Task<RegistryTestEngine> StartAsync(string? registryAuthFile = null)
    {
        var dir = Directory.CreateTempSubdirectory("corralos-pull-").FullName;
        var server = await EngineServer.StartAsync(new EngineOptions
        {
            SocketPath = Path.Combine(dir, "engine.sock"),
            DataRoot = Path.Combine(dir, "data"),
            ExecRoot = Path.Combine(dir, "exec"),
            LogLevel = LogLevel.Warning,
            Version = "0.0.0-test",
            RegistryAuthFile = registryAuthFile,
        }, TestContext.Current.CancellationToken);
        return new RegistryTestEngine(dir, server);
    }

    /// <summary>Stores a login for the docker CLI the way `docker login` does (config.json auths), without the daemon.</summary>
    public void StoreCliLogin(string registry, string user, string password) => StoreCliLogin(DockerConfig, registry, user, password);

    public static void StoreCliLogin(string dockerConfig, string registry, string user, string password) =>
        File.WriteAllText(Path.Combine(dockerConfig, "config.json"), new JsonObject
        {
            ["auths"] = new JsonObject { [registry] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")) } },
        }.ToJsonString());

    public Task<(int Exit, string Output, string Error)> DockerAsync(params string[] args) => RunDockerAsync(Socket, DockerConfig, args);

    /// <summary>The docker CLI against an engine's socket, with its own config directory (stored logins).</summary>
    public static async Task<(int Exit, string Output, string Error)> RunDockerAsync(string socket, string dockerConfig, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in (string[])["-H", "unix://" + socket, .. args])
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOCKER_CONFIG"] = dockerConfig;
        using var process = System.Diagnostics.Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', args)} did not finish in 120 s");
        }
        return (process.ExitCode, await output, await error);
    }

    public async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}\n{output}");
        return output;
    }

    public DockerClient DockerDotNet() => new DockerClientConfiguration(new Uri("unix://" + Socket)).CreateClient();

    /// <summary>Loads an archive (the test's way to have an image to push).</summary>
    public async Task LoadAsync(byte[] archive)
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await Http.PostAsync("/v1.41/images/load?quiet=1", content, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Every file of the image store and tmp/ (for "nothing was written" checks).</summary>
    public List<string> StoredFiles() =>
        new[] { "image/blobs/sha256", "image/layers/sha256", "image/images/sha256", "tmp" }
            .Select(d => Path.Combine(DataRoot, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))
            .ToList();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Http.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
