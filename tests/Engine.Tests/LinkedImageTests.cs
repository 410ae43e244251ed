using CorralOS.Engine.Images;

namespace CorralOS.Engine.Tests;

/// <summary>
/// ImageStore.Link: an image of a read-only store (CorralOS's system images file: a real erofs, loop-mounted here as
/// PID 1 mounts it) runs in another store whose layers are symlinks into it, and leaves it untouched when removed.
/// </summary>
public sealed class LinkedImageTests : IAsyncLifetime
{
    private TestEngine _source = null!;
    private TestEngine _engine = null!;
    private string _mount = null!;

    public async ValueTask InitializeAsync()
    {
        _source = await TestEngine.StartAsync();
        _engine = await TestEngine.StartAsync();
        _mount = Directory.CreateDirectory(Path.Combine(_engine.Dir, "system-images")).FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.StopServerAsync();
        await TestEngine.RunAsync("umount", [_mount]);
        await _engine.DisposeAsync();
        await _source.DisposeAsync();
    }

    /// <summary>Loads busybox into the source engine, stops it, and mounts its data root as an erofs (read-only).</summary>
    private async Task<StoreLayout> ReadOnlySourceAsync(string tag)
    {
        var image = BusyboxImage.Create(tag, layer => layer.File("etc/shipped", "from the system images file\n"));
        (await _source.LoadAsync(TestImage.Tar(image.DockerSaveFiles()))).Dispose();
        await _source.StopServerAsync();
        var file = Path.Combine(_source.Dir, "system-images.erofs");
        var made = await TestEngine.RunAsync("mkfs.erofs", ["-zlz4hc", "--quiet", file, _source.DataRoot]);
        Assert.True(made.Exit == 0, made.Error);
        var mounted = await TestEngine.RunAsync("mount", ["-t", "erofs", "-o", "loop,ro", file, _mount]);
        Assert.True(mounted.Exit == 0, mounted.Error);
        return new StoreLayout(_mount);
    }

    [Fact]
    public async Task A_linked_image_runs_from_the_read_only_store_and_its_removal_leaves_that_store_whole()
    {
        var source = await ReadOnlySourceAsync("corralos/os-big:1");
        var linked = _engine.Server!.Store.Link(source, "corralos/os-big:1");

        Assert.Equal(["corralos/os-big:1"], linked.Tags.Select(t => t.Familiar));
        var layer = Path.Combine(_engine.DataRoot, "image/layers/sha256", linked.Record.Layers[0].DiffId[7..]);
        Assert.Equal(source.Layer(Digest.Parse(linked.Record.Layers[0].DiffId)), new DirectoryInfo(layer).LinkTarget);
        var run = await _engine.DockerAsync("run", "--rm", "corralos/os-big:1", "cat", "/etc/shipped");
        Assert.True(run.Exit == 0, run.Error);
        Assert.Equal("from the system images file\n", run.Output);
        var inspect = await _engine.GetJsonAsync("/images/corralos/os-big:1/json");
        Assert.Equal(linked.Id, inspect.GetProperty("Id").GetString());
        Assert.True(inspect.GetProperty("Size").GetInt64() > 0);

        var removed = await _engine.DockerAsync("rmi", "corralos/os-big:1");
        Assert.True(removed.Exit == 0, removed.Error);
        Assert.False(Path.Exists(layer));
        Assert.True(File.Exists(Path.Combine(source.LayerDiff(Digest.Parse(linked.Record.Layers[0].DiffId)), "etc/shipped")));

        // And it links again (the next boot's service asks anew).
        _engine.Server.Store.Link(source, "corralos/os-big:1");
        var again = await _engine.DockerAsync("run", "--rm", "corralos/os-big:1", "true");
        Assert.True(again.Exit == 0, again.Error);
    }

    [Fact]
    public async Task A_linked_image_survives_an_engine_restart_and_cannot_be_saved()
    {
        var source = await ReadOnlySourceAsync("corralos/os-big:1");
        _engine.Server!.Store.Link(source, "corralos/os-big:1");

        await _engine.RestartAsync();

        var run = await _engine.DockerAsync("run", "--rm", "corralos/os-big:1", "cat", "/etc/shipped");
        Assert.True(run.Exit == 0, run.Error);
        var save = await _engine.DockerAsync("save", "-o", Path.Combine(_engine.Dir, "out.tar"), "corralos/os-big:1");
        Assert.NotEqual(0, save.Exit);
        Assert.Contains("cannot be saved or pushed", save.Error);
    }

    [Fact]
    public async Task An_image_the_link_source_holds_is_linked_when_first_asked_for_and_a_failing_source_says_why()
    {
        var source = await ReadOnlySourceAsync("corralos/os-big:1");
        var asked = new List<string>();
        _engine.Server!.Store.LinkSource = name =>
        {
            asked.Add(name);
            return name == "corralos/os-big:1" ? source : null;
        };

        var run = await _engine.DockerAsync("run", "--rm", "corralos/os-big:1", "cat", "/etc/shipped");
        Assert.True(run.Exit == 0, run.Error);
        Assert.Equal("from the system images file\n", run.Output);
        Assert.Equal(["corralos/os-big:1"], asked);
        var unknown = await _engine.DockerAsync("image", "inspect", "corralos/os-none:1");
        Assert.Contains("No such image: corralos/os-none:1", unknown.Error);

        _engine.Server.Store.LinkSource = _ => throw new IOException("the system images file (erofs UUID 1234) was not found: no disk with UUID 1234");
        var failed = await _engine.DockerAsync("image", "inspect", "corralos/os-other:1");
        Assert.NotEqual(0, failed.Exit);
        Assert.Contains("was not found: no disk with UUID 1234", failed.Error);
    }

    [Fact]
    public async Task An_image_the_read_only_store_lacks_is_not_found_and_nothing_is_written()
    {
        var source = await ReadOnlySourceAsync("corralos/os-big:1");
        var before = _engine.StoredFiles();

        var e = Assert.Throws<NotFoundException>(() => _engine.Server!.Store.Link(source, "corralos/os-other:1"));

        Assert.Contains("corralos/os-other:1", e.Message);
        Assert.Equal(before, _engine.StoredFiles());
    }
}
