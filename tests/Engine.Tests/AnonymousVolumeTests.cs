using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Anonymous volumes (the image's VOLUME, `-v /path`): a 64-hex volume in the store, the image's content copied in,
/// listed by GET /volumes and `docker volume ls`, removed by `rm -v` and `--rm`, kept by a plain `rm`; named volumes
/// get the copy too. Real crun, docker CLI.
/// </summary>
public sealed class AnonymousVolumeTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
        var image = BusyboxImage.Create("vol:test", layer => layer
            .Add(new PaxTarEntry(TarEntryType.RegularFile, "data/seed.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("seeded\n")), Mode = (UnixFileMode)0b110_100_000, Uid = 1234, Gid = 2000, ModificationTime = DateTimeOffset.UnixEpoch })
            .Dir("data/sub").File("data/sub/deep.txt", "deep\n").Symlink("data/link", "seed.txt"));
        image.Volumes.Add("/data");
        using var response = await _engine.LoadAsync(TestImage.Tar(image.DockerSaveFiles()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await _engine.DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private async Task<List<string>> VolumeNamesAsync() =>
        (await _engine.GetJsonAsync("/v1.41/volumes")).GetProperty("Volumes").EnumerateArray().Select(v => v.GetProperty("Name").GetString()!).ToList();

    [Fact]
    public async Task Image_volume_gets_an_anonymous_volume_with_the_images_content_and_rm_v_removes_it()
    {
        var output = await DockerOkAsync("run", "--name", "v1", "vol:test", "sh", "-c",
            "cat /data/seed.txt /data/sub/deep.txt /data/link; busybox stat -c '%u:%g %a' /data/seed.txt; echo new > /data/new");
        Assert.Equal("seeded\ndeep\nseeded\n1234:2000 640\n", output);

        var name = Assert.Single(await VolumeNamesAsync());
        Assert.Matches("^[0-9a-f]{64}$", name);
        Assert.Equal(name + "\n", await DockerOkAsync("volume", "ls", "-q"));
        var mount = JsonDocument.Parse(await DockerOkAsync("inspect", "--format", "{{json .Mounts}}", "v1")).RootElement.EnumerateArray().Single();
        Assert.Equal(("volume", name, "/data"), (mount.GetProperty("Type").GetString(), mount.GetProperty("Name").GetString(), mount.GetProperty("Destination").GetString()));
        var data = (await _engine.GetJsonAsync($"/v1.41/volumes/{name}")).GetProperty("Mountpoint").GetString()!;
        Assert.Equal(Path.Combine(_engine.DataRoot, "volumes", name, "_data"), data);
        Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(data, "new"), TestContext.Current.CancellationToken));

        // The volume keeps its content across starts; a plain rm keeps it, as Docker does; rm -v removes it.
        await DockerOkAsync("start", "-a", "v1");
        Assert.Equal(name, Assert.Single(await VolumeNamesAsync()));
        Assert.Equal("new\n", await DockerOkAsync("run", "--rm", "--volumes-from", "v1", "busybox:test", "cat", "/data/new"));
        await DockerOkAsync("rm", "-v", "v1");
        Assert.Empty(await VolumeNamesAsync());
        Assert.False(Directory.Exists(Path.Combine(_engine.DataRoot, "volumes", name)));

        await DockerOkAsync("run", "--name", "v2", "vol:test", "true");
        var kept = Assert.Single(await VolumeNamesAsync());
        await DockerOkAsync("rm", "v2");
        Assert.Equal([kept], await VolumeNamesAsync());
        using var missing = await _engine.Http.GetAsync("/v1.41/volumes/nosuch", TestContext.Current.CancellationToken);
        Assert.Equal("get nosuch: no such volume", await TestEngine.ErrorMessageAsync(missing, 404));
    }

    [Fact]
    public async Task Dash_v_path_makes_a_fresh_volume_rm_removes_it_and_a_bind_or_named_volume_replaces_the_images()
    {
        Assert.Equal("", await DockerOkAsync("run", "--rm", "-v", "/scratch", "busybox:test", "sh", "-c", "ls /scratch; touch /scratch/x"));
        Assert.Empty(await VolumeNamesAsync());

        await DockerOkAsync("create", "--name", "c1", "-v", "/scratch", "busybox:test", "true");
        Assert.Single(await VolumeNamesAsync());
        await DockerOkAsync("rm", "-v", "c1");

        // A bind over the image's VOLUME path: no anonymous volume, the host directory as it is.
        var host = Directory.CreateTempSubdirectory("corralos-bind-").FullName;
        try
        {
            Assert.Equal("", await DockerOkAsync("run", "--rm", "-v", host + ":/data", "vol:test", "ls", "/data"));
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
        Assert.Empty(await VolumeNamesAsync());

        // A new named volume gets the image's content too (Docker's copy-up); nocopy leaves it empty.
        Assert.Equal("seeded\n", await DockerOkAsync("run", "--rm", "-v", "named:/data", "vol:test", "cat", "/data/seed.txt"));
        Assert.Equal("", await DockerOkAsync("run", "--rm", "-v", "bare:/data:nocopy", "vol:test", "ls", "/data"));
        Assert.Equal(["bare", "named"], await VolumeNamesAsync());
    }
}
