using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using CorralOS.Engine.Api;
using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Tests;

/// <summary>An engine in this process on a temp socket and data root; removed with everything in it on dispose.</summary>
public sealed class TestEngine : IAsyncDisposable
{
    private TestEngine(string dir, string? dataRoot)
    {
        Dir = dir;
        Socket = Path.Combine(dir, "engine.sock");
        DataRoot = dataRoot ?? Path.Combine(dir, "data");
        ExecRoot = Path.Combine(dir, "exec");
        Http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectAsync }) { BaseAddress = new Uri("http://localhost"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Dir { get; }

    public string Socket { get; }

    public string DataRoot { get; }

    public string ExecRoot { get; }

    public EngineServer? Server { get; private set; }

    /// <summary>EngineOptions.RuntimeAddressRandomization; null lets the engine decide from the CPU.</summary>
    public bool? RuntimeAddressRandomization { get; private init; }

    public HttpClient Http { get; }

    public EngineOptions Options => new()
    {
        SocketPath = Socket,
        DataRoot = DataRoot,
        ExecRoot = ExecRoot,
        LogLevel = LogLevel.Warning,
        Version = "0.0.0-test",
        RuntimeAddressRandomization = RuntimeAddressRandomization,
    };

    public static async Task<TestEngine> StartAsync(bool? runtimeAddressRandomization = null)
    {
        var engine = new TestEngine(Directory.CreateTempSubdirectory("corralos-engine-").FullName, null) { RuntimeAddressRandomization = runtimeAddressRandomization };
        await engine.StartServerAsync();
        return engine;
    }

    public async Task StartServerAsync() => Server = await EngineServer.StartAsync(Options, TestContext.Current.CancellationToken);

    public async Task StopServerAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
            Server = null;
        }
    }

    public async Task RestartAsync()
    {
        await StopServerAsync();
        await StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        Http.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    public async Task<HttpResponseMessage> LoadAsync(byte[] archive, bool quiet = true)
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        return await Http.PostAsync($"/v1.41/images/load?quiet={(quiet ? 1 : 0)}", content, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The message of an error answer, after checking its status.</summary>
    public static async Task<string> ErrorMessageAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.GetProperty("message").GetString()!;
    }

    public DockerClient DockerDotNet() => new DockerClientConfiguration(new Uri("unix://" + Socket)).CreateClient();

    /// <summary>Runs the real docker CLI against this engine.</summary>
    public Task<(int Exit, string Output, string Error)> DockerAsync(params string[] args) => RunAsync("docker", ["-H", "unix://" + Socket, .. args]);

    public static async Task<(int Exit, string Output, string Error)> RunAsync(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "corralos-docker-config");
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish in 60 s");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Every file under the data root's image store and tmp/ (for "nothing was written" checks).</summary>
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
}
