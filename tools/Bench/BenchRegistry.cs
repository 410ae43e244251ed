using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CorralOS.Testing;

/// <summary>
/// Debian's docker-registry on 127.0.0.1 for the upgrade figure, with an OS image archive pushed into it over the
/// registry API: uncompressed layers under an OCI manifest, which is what System Docker pushes for an image it loaded
/// from such an archive (the upgrade test pushes through an engine; tests/Engine.Tests/LocalRegistry.cs and TestEngine.cs
/// need xunit's test context, so the bench does the same two HTTP steps itself).
/// </summary>
internal sealed class BenchRegistry : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };

    private BenchRegistry(string dir, int port, Process process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public static async Task<BenchRegistry> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-bench-registry-").FullName;
        var port = FreePorts.Next();
        var config = Path.Combine(dir, "config.yml");
        await File.WriteAllTextAsync(config,
            $"version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n" +
            $"    rootdirectory: {Path.Combine(dir, "storage")}\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: corralos-bench\n");
        var info = new ProcessStartInfo("/usr/bin/docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var registry = new BenchRegistry(dir, port, Process.Start(info)!);
        _ = registry._process.StandardOutput.ReadToEndAsync();
        var errors = registry._process.StandardError.ReadToEndAsync();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await registry._http.GetAsync($"http://127.0.0.1:{port}/v2/");
                return registry;
            }
            catch (HttpRequestException) when (attempt < 300 && !registry._process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (HttpRequestException)
            {
                await registry.DisposeAsync();
                throw new InvalidOperationException($"docker-registry did not answer: {(errors.IsCompleted ? errors.Result : "")}");
            }
        }
    }

    /// <summary>Pushes the docker-save archive's image as <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public async Task PushAsync(string archive, string repository, string tag)
    {
        var extracted = Path.Combine(_dir, "archive");
        Directory.CreateDirectory(extracted);
        await TarFile.ExtractToDirectoryAsync(archive, extracted, overwriteFiles: true);
        using var manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(extracted, "manifest.json")));
        var image = manifest.RootElement[0];
        var config = await PushBlobAsync(repository, Path.Combine(extracted, image.GetProperty("Config").GetString()!));
        var layers = new List<string>();
        foreach (var layer in image.GetProperty("Layers").EnumerateArray())
        {
            var (digest, size) = await PushBlobAsync(repository, Path.Combine(extracted, layer.GetString()!));
            layers.Add($"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"{digest}\",\"size\":{size}}}");
        }
        var body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
                   $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{config.Digest}\",\"size\":{config.Size}}}," +
                   $"\"layers\":[{string.Join(',', layers)}]}}";
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using var put = await _http.PutAsync($"http://127.0.0.1:{Port}/v2/{repository}/manifests/{tag}", content);
        put.EnsureSuccessStatusCode();
        Directory.Delete(extracted, recursive: true);
    }

    // A monolithic upload: POST for a session, PUT of the whole blob with its digest.
    private async Task<(string Digest, long Size)> PushBlobAsync(string repository, string path)
    {
        string digest;
        await using (var file = File.OpenRead(path))
        {
            digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
        }
        using var start = await _http.PostAsync($"http://127.0.0.1:{Port}/v2/{repository}/blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        var location = new Uri(new Uri($"http://127.0.0.1:{Port}"), start.Headers.Location!);
        var upload = location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        await using var body = File.OpenRead(path);
        using var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _http.PutAsync(upload, content);
        put.EnsureSuccessStatusCode();
        return (digest, new FileInfo(path).Length);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
