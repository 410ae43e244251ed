using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using CorralOS.Engine.Api;
using CorralOS.Engine.Client;
using Microsoft.Extensions.Logging;

namespace CorralOS.Docker.Tests;

/// <summary>The preload folder into a real engine (system-dockerd in this process on a temp socket), once each.</summary>
public sealed class UserImagePreloadTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-preload-").FullName;
    private readonly List<string> _log = [];
    private EngineServer? _engine;

    private string Folder => Path.Combine(_dir, "preload");

    private string Socket => Path.Combine(_dir, "docker.sock");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        _engine = await EngineServer.StartAsync(new EngineOptions
        {
            SocketPath = Socket,
            DataRoot = Path.Combine(_dir, "data"),
            ExecRoot = Path.Combine(_dir, "exec"),
            LogLevel = LogLevel.Warning,
            Version = "0.0.0-test",
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<int> PreloadAsync()
    {
        using var client = new EngineClient("unix://" + Socket);
        return await new UserImagePreload(client, _log.Add).RunAsync(Folder, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Archives_load_once_each_and_a_replaced_archive_loads_again()
    {
        File.WriteAllBytes(Path.Combine(Folder, "a.tar"), Archive("corralos/a:1"));
        File.WriteAllBytes(Path.Combine(Folder, "b.tar.gz"), Gzip(Archive("corralos/b:1")));
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "not an archive");

        Assert.Equal(0, await PreloadAsync());
        Assert.Equal([$"{Folder}/a.tar: loading", $"{Folder}/a.tar: Loaded image: corralos/a:1",
                      $"{Folder}/b.tar.gz: loading", $"{Folder}/b.tar.gz: Loaded image: corralos/b:1"], _log);
        Assert.Equal(UserImagePreload.KeyOf(Path.Combine(Folder, "a.tar")) + "\n", File.ReadAllText(Path.Combine(Folder, "a.tar.done")));

        _log.Clear();
        Assert.Equal(0, await PreloadAsync());
        Assert.Equal([$"{Folder}/a.tar: already loaded", $"{Folder}/b.tar.gz: already loaded"], _log);

        // Written again with the same bytes (write_files does so at every boot): still loaded.
        File.WriteAllBytes(Path.Combine(Folder, "a.tar"), File.ReadAllBytes(Path.Combine(Folder, "a.tar")));
        File.SetLastWriteTimeUtc(Path.Combine(Folder, "a.tar"), DateTime.UtcNow.AddMinutes(1));
        _log.Clear();
        Assert.Equal(0, await PreloadAsync());
        Assert.Equal([$"{Folder}/a.tar: already loaded", $"{Folder}/b.tar.gz: already loaded"], _log);

        // Replaced by another archive under the same name: its size differs from the stamp's.
        File.WriteAllBytes(Path.Combine(Folder, "a.tar"), Archive("corralos/a:2", new string('x', 20000) + "\n"));
        _log.Clear();
        Assert.Equal(0, await PreloadAsync());
        Assert.Contains($"{Folder}/a.tar: Loaded image: corralos/a:2", _log);
        using var client = new EngineClient("unix://" + Socket);
        Assert.NotNull(await client.InspectImageAsync("corralos/a:2", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_broken_archive_is_reported_without_a_stamp_and_the_others_still_load()
    {
        File.WriteAllText(Path.Combine(Folder, "a-broken.tar"), "not a tar at all");
        File.WriteAllBytes(Path.Combine(Folder, "b.tar"), Archive("corralos/b:1"));

        Assert.Equal(1, await PreloadAsync());

        Assert.StartsWith($"{Folder}/a-broken.tar: FAILED: ", _log.Single(l => l.Contains("FAILED", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Folder, "a-broken.tar.done")));
        Assert.True(File.Exists(Path.Combine(Folder, "b.tar.done")));
    }

    /// <summary>A `docker save` archive of a one-file image tagged <paramref name="tag"/>.</summary>
    private static byte[] Archive(string tag, string content = "probe\n")
    {
        var layer = Tar([("probe", Encoding.UTF8.GetBytes(content))]);
        var layerDigest = Convert.ToHexStringLower(SHA256.HashData(layer));
        var config = Encoding.UTF8.GetBytes(
            """{"architecture":"amd64","os":"linux","config":{"Cmd":["/probe"]},"rootfs":{"type":"layers","diff_ids":["sha256:""" + layerDigest + "\"]}}");
        var configDigest = Convert.ToHexStringLower(SHA256.HashData(config));
        var manifest = Encoding.UTF8.GetBytes(
            $$"""[{"Config":"blobs/sha256/{{configDigest}}","RepoTags":["{{tag}}"],"Layers":["blobs/sha256/{{layerDigest}}"]}]""");
        return Tar([($"blobs/sha256/{layerDigest}", layer), ($"blobs/sha256/{configDigest}", config), ("manifest.json", manifest)]);
    }

    private static byte[] Tar(IEnumerable<(string Name, byte[] Data)> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead });
            }
        }
        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return buffer.ToArray();
    }
}
