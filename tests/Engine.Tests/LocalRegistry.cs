using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Debian's docker-registry (distribution 2.x) on 127.0.0.1 with a temporary config and filesystem storage;
/// without auth, with htpasswd (Basic) or with token auth against a <see cref="TokenServer"/>. Killed and
/// removed on dispose.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    public const string Binary = "/usr/bin/docker-registry";

    private readonly Process _process;
    private Task _logCopies = Task.CompletedTask;
    private string? _extraDir;

    private LocalRegistry(string dir, int port, Process process)
    {
        Dir = dir;
        Port = port;
        _process = process;
    }

    public string Dir { get; }

    public int Port { get; }

    /// <summary>host:port, the registry part of image names.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public string StorageRoot => Path.Combine(Dir, "storage");

    public static Task<LocalRegistry> StartAsync() => StartAsync("");

    /// <summary>Basic auth from an htpasswd file (bcrypt, made by Debian's htpasswd).</summary>
    public static async Task<LocalRegistry> StartWithBasicAuthAsync(string user, string password)
    {
        var (exit, output, error) = await TestEngine.RunAsync("htpasswd", ["-Bbn", user, password]);
        Assert.True(exit == 0, $"htpasswd: {error}");
        var dir = Directory.CreateTempSubdirectory("corralos-htpasswd-").FullName;
        var file = Path.Combine(dir, "htpasswd");
        await File.WriteAllTextAsync(file, output, TestContext.Current.CancellationToken);
        var registry = await StartAsync($"auth:\n  htpasswd:\n    realm: test-realm\n    path: {file}\n");
        registry._extraDir = dir;
        return registry;
    }

    /// <summary>Token auth: the registry sends clients to the token server's realm and trusts its certificate.</summary>
    public static Task<LocalRegistry> StartWithTokenAuthAsync(TokenServer tokens) =>
        StartAsync($"auth:\n  token:\n    realm: {tokens.Realm}\n    service: {TokenServer.Service}\n    issuer: {TokenServer.Issuer}\n    rootcertbundle: {tokens.CertificateFile}\n");

    private static async Task<LocalRegistry> StartAsync(string auth)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: build/install-deps.sh installs Debian's docker-registry");
        var dir = Directory.CreateTempSubdirectory("corralos-registry-").FullName;
        var port = FreePort();
        var config = Path.Combine(dir, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(dir, "storage")}
            http:
              addr: 127.0.0.1:{port}
              secret: corralos-test
            {auth}
            """, TestContext.Current.CancellationToken);
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = Process.Start(info)!;
        var log = Path.Combine(dir, "registry.log");
        var gate = new Lock();
        var registry = new LocalRegistry(dir, port, process);
        registry._logCopies = Task.WhenAll(CopyAsync(process.StandardOutput, log, gate), CopyAsync(process.StandardError, log, gate));
        await registry.WaitReadyAsync(log);
        return registry;
    }

    // Both of the registry's output streams go to one log file, a line at a time.
    private static async Task CopyAsync(StreamReader from, string log, Lock gate)
    {
        string? line;
        while ((line = await from.ReadLineAsync()) is not null)
        {
            lock (gate)
            {
                File.AppendAllText(log, line + "\n");
            }
        }
    }

    // Readiness, not timing: any HTTP answer on /v2/ means it serves; an exited process fails at once with its log.
    private async Task WaitReadyAsync(string log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"docker-registry exited {_process.ExitCode}: {(File.Exists(log) ? File.ReadAllText(log) : "")}");
            }
            try
            {
                using var response = await http.GetAsync($"http://{Host}/v2/", TestContext.Current.CancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
        Assert.Fail($"docker-registry did not answer on {Host}: {(File.Exists(log) ? File.ReadAllText(log) : "")}");
    }

    /// <summary>PUT a manifest (or index) straight into the registry (only for a registry without auth).</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, string mediaType, byte[] body)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PutAsync($"http://{Host}/v2/{repository}/manifests/{reference}", content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT manifest: {(int)response.StatusCode} {text}");
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    /// <summary>Where the registry keeps a blob's bytes (filesystem driver layout).</summary>
    public string BlobData(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(StorageRoot, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        await _logCopies;
        _process.Dispose();
        Directory.Delete(Dir, recursive: true);
        if (_extraDir is not null)
        {
            Directory.Delete(_extraDir, recursive: true);
        }
    }
}
