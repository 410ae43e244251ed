using System.Text.Json;

namespace CorralOS.Engine.Tests;

/// <summary>The real docker CLI (28.x) against the engine: version, info, load, images, inspect, tag, rmi, save.</summary>
public sealed class DockerCliTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await _engine.DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private async Task<string> LoadFixtureAsync(TestImage image)
    {
        var file = Path.Combine(_engine.Dir, Guid.NewGuid().ToString("N") + ".tar");
        await File.WriteAllBytesAsync(file, TestImage.Tar(image.DockerSaveFiles()), TestContext.Current.CancellationToken);
        return await DockerOkAsync("load", "-i", file);
    }

    [Fact]
    public async Task Version_and_info_work()
    {
        var version = await DockerOkAsync("version", "--format", "{{.Server.Version}} {{.Server.APIVersion}} {{.Server.Os}}");
        Assert.Equal("0.0.0-test 1.41 linux\n", version);
        var info = await DockerOkAsync("info", "--format", "{{.Images}} {{.Driver}} {{.NCPU}} {{.CgroupVersion}} {{.DockerRootDir}}");
        Assert.Equal($"0 overlayfs {Environment.ProcessorCount} {(File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1")} {_engine.DataRoot}\n", info);
        var full = await _engine.DockerAsync("info");
        Assert.Equal(0, full.Exit);
        Assert.Contains("Server Version: 0.0.0-test", full.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_images_inspect_tag_rmi()
    {
        var image = TestImage.Simple("cli/app:1");
        Assert.Equal("Loaded image: cli/app:1\n", await LoadFixtureAsync(image));

        var images = await DockerOkAsync("images", "--format", "{{.Repository}} {{.Tag}} {{.ID}}");
        Assert.Equal($"cli/app 1 {image.Id[7..19]}\n", images);
        var inspected = JsonDocument.Parse(await DockerOkAsync("image", "inspect", "cli/app:1")).RootElement[0];
        Assert.Equal(image.Id, inspected.GetProperty("Id").GetString());
        Assert.Equal(image.Id + "\n", await DockerOkAsync("inspect", "--format", "{{.Id}}", "cli/app:1"));

        Assert.Equal("CMD [\"sh\"] 0B\nlayer 0 5B\n", await DockerOkAsync("history", "--no-trunc", "--format", "{{.CreatedBy}} {{.Size}}", "cli/app:1"));

        await DockerOkAsync("tag", "cli/app:1", "other:2");
        Assert.Equal("other\n", await DockerOkAsync("images", "--filter", "reference=oth*", "--format", "{{.Repository}}"));
        // One image, two repositories: the CLI groups an image's tags by repository in a Go map, so its row order varies.
        Assert.Equal(["cli/app:1", "other:2"], (await DockerOkAsync("images", "--format", "{{.Repository}}:{{.Tag}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal("Untagged: other:2\n", await DockerOkAsync("rmi", "other:2"));

        var (exit, _, error) = await _engine.DockerAsync("rmi", "nope:1");
        Assert.NotEqual(0, exit);
        Assert.Contains("No such image: nope:1", error, StringComparison.Ordinal);

        var removed = await DockerOkAsync("rmi", "cli/app:1");
        Assert.Contains("Untagged: cli/app:1", removed, StringComparison.Ordinal);
        Assert.Contains($"Deleted: {image.Id}", removed, StringComparison.Ordinal);
        Assert.Equal("", await DockerOkAsync("images", "-q"));
    }

    [Fact]
    public async Task Save_writes_an_archive_that_loads_back()
    {
        var image = TestImage.Simple("cli/saved:1");
        await LoadFixtureAsync(image);
        var saved = Path.Combine(_engine.Dir, "saved.tar");
        await DockerOkAsync("save", "-o", saved, "cli/saved:1");

        await using var other = await TestEngine.StartAsync();
        var (exit, output, error) = await other.DockerAsync("load", "-i", saved);
        Assert.True(exit == 0, error);
        Assert.Equal("Loaded image: cli/saved:1\n", output);
        var (_, id, _) = await other.DockerAsync("inspect", "--format", "{{.Id}}", "cli/saved:1");
        Assert.Equal(image.Id + "\n", id);
    }

    [Fact]
    public async Task A_corrupt_archive_fails_with_one_line()
    {
        var file = Path.Combine(_engine.Dir, "corrupt.tar");
        await File.WriteAllTextAsync(file, new string('x', 2048), TestContext.Current.CancellationToken);
        var (exit, _, error) = await _engine.DockerAsync("load", "-i", file);
        Assert.NotEqual(0, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("invalid archive", error, StringComparison.Ordinal);
    }
}
