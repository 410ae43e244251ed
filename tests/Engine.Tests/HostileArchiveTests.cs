using System.Text;

namespace CorralOS.Engine.Tests;

/// <summary>Bad archives get a clean 400 with a one-line message, and leave nothing in the store.</summary>
public sealed class HostileArchiveTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> RefusedAsync(byte[] archive)
    {
        using var response = await _engine.LoadAsync(archive);
        var message = await TestEngine.ErrorMessageAsync(response, 400);
        Assert.DoesNotContain('\n', message);
        Assert.Empty((await _engine.GetJsonAsync("/images/json")).EnumerateArray());
        Assert.Empty(_engine.StoredFiles());
        return message;
    }

    private static byte[] WithLayer(LayerBuilder layer) => TestImage.Tar(new TestImage().Layer(layer).Tag("evil:1").DockerSaveFiles());

    [Fact]
    public async Task Random_bytes_are_refused() =>
        await RefusedAsync(Encoding.ASCII.GetBytes(new string('x', 3000)));

    [Fact]
    public async Task An_empty_body_is_refused() => await RefusedAsync([]);

    [Fact]
    public async Task A_truncated_archive_is_refused()
    {
        var archive = TestImage.Tar(TestImage.Simple("t:1").DockerSaveFiles());
        Assert.Contains("invalid archive", await RefusedAsync(archive[..(archive.Length / 2 + 100)]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_gzip_layer_is_refused()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles(gzipLayers: true);
        var layer = files.FindIndex(f => f.Name.EndsWith("layer.tar", StringComparison.Ordinal));
        files[layer] = (files[layer].Name, files[layer].Data[..(files[layer].Data.Length / 2)]);
        await RefusedAsync(TestImage.Tar(files));
    }

    [Fact]
    public async Task A_layer_that_does_not_match_its_diff_id_is_refused()
    {
        var image = TestImage.Simple("t:1");
        image.DiffIdsOverride = ["sha256:" + new string('0', 64)];
        Assert.Contains("diff_id", await RefusedAsync(TestImage.Tar(image.DockerSaveFiles())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_layer_swapped_after_the_config_was_made_is_refused()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        var layer = files.FindIndex(f => f.Name.EndsWith("layer.tar", StringComparison.Ordinal));
        files[layer] = (files[layer].Name, new LayerBuilder().File("etc/motd", "tampered").Build());
        Assert.Contains("diff_id", await RefusedAsync(TestImage.Tar(files)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_whose_name_is_not_its_digest_is_refused()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        var config = files.FindIndex(f => f.Name.EndsWith(".json", StringComparison.Ordinal) && f.Name != "manifest.json");
        files[config] = (files[config].Name, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(files[config].Data).Replace("amd64", "arm64", StringComparison.Ordinal)));
        Assert.Contains("digest", await RefusedAsync(TestImage.Tar(files)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oci_blob_that_does_not_match_its_descriptor_is_refused()
    {
        var image = TestImage.Simple("t:1");
        var files = image.OciLayoutFiles("t:1");
        var layerBlob = "blobs/sha256/" + TestImage.Sha256(TestImage.Gzip(image.Layers[0]))[7..];
        var index = files.FindIndex(f => f.Name == layerBlob);
        files[index] = (layerBlob, TestImage.Gzip(new LayerBuilder().File("x", "y").Build()));
        await RefusedAsync(TestImage.Tar(files));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/escape")]
    public async Task Layer_paths_leaving_the_root_are_refused(string name)
    {
        await RefusedAsync(WithLayer(new LayerBuilder().File(name, "x")));
        Assert.False(File.Exists(Path.Combine(_engine.DataRoot, "image/layers/escape")));
    }

    [Fact]
    public async Task A_symlink_escape_in_a_layer_is_refused()
    {
        var outside = Path.Combine(_engine.Dir, "outside");
        Directory.CreateDirectory(outside);
        await RefusedAsync(WithLayer(new LayerBuilder().Symlink("link", outside).File("link/evil", "x")));
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task A_hard_link_escape_in_a_layer_is_refused() =>
        await RefusedAsync(WithLayer(new LayerBuilder().HardLink("shadow", "../../../../etc/shadow")));

    [Fact]
    public async Task A_device_node_in_a_layer_is_refused() =>
        Assert.Contains("device node", await RefusedAsync(WithLayer(new LayerBuilder().CharDevice("dev/mem"))), StringComparison.Ordinal);

    [Fact]
    public async Task Archive_entries_leaving_the_root_are_refused()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        files.Add(("../../escape", "x"u8.ToArray()));
        await RefusedAsync(TestImage.Tar(files));
    }

    [Fact]
    public async Task A_name_that_is_both_file_and_directory_is_refused()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        files.Insert(0, ("manifest.json/inner", "x"u8.ToArray()));
        await RefusedAsync(TestImage.Tar(files));
        files.RemoveAt(0);
        files.Add(("manifest.json/inner", "x"u8.ToArray()));
        await RefusedAsync(TestImage.Tar(files));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"Config\":1}")]
    [InlineData("[{\"Config\":\"missing.json\",\"Layers\":[]}]")]
    [InlineData("[{\"Layers\":[]}]")]
    public async Task A_malformed_manifest_is_refused(string manifest)
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        var index = files.FindIndex(f => f.Name == "manifest.json");
        files[index] = ("manifest.json", Encoding.UTF8.GetBytes(manifest));
        await RefusedAsync(TestImage.Tar(files));
    }

    [Fact]
    public async Task An_oversized_manifest_is_refused_without_reading_it_into_memory()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        files[files.FindIndex(f => f.Name == "manifest.json")] = ("manifest.json", new byte[(16 << 20) + 1]);
        Assert.Contains("more than a manifest or config can be", await RefusedAsync(TestImage.Tar(files)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_config_is_refused()
    {
        var files = TestImage.Simple("t:1").DockerSaveFiles();
        var config = files.FindIndex(f => f.Name.EndsWith(".json", StringComparison.Ordinal) && f.Name != "manifest.json");
        var bad = "{\"rootfs\": [1,2"u8.ToArray();
        files[config] = (TestImage.Sha256(bad)[7..] + ".json", bad);
        files[files.FindIndex(f => f.Name == "manifest.json")] = ("manifest.json", Encoding.UTF8.GetBytes($"[{{\"Config\":\"{files[config].Name}\",\"Layers\":[]}}]"));
        await RefusedAsync(TestImage.Tar(files));
    }

    [Fact]
    public async Task A_bad_tag_in_the_manifest_is_refused()
    {
        var files = new TestImage().Layer(new LayerBuilder().File("a", "b")).Tag("UPPER:case").DockerSaveFiles();
        await RefusedAsync(TestImage.Tar(files));
    }

    [Fact]
    public async Task One_bad_image_in_an_archive_keeps_the_good_one_out_too()
    {
        var good = TestImage.Simple("good:1");
        var bad = TestImage.Simple("bad:1", "bad");
        bad.DiffIdsOverride = ["sha256:" + new string('1', 64)];
        var goodFiles = good.DockerSaveFiles();
        var badFiles = bad.DockerSaveFiles();
        var manifest = $"[{Encoding.UTF8.GetString(goodFiles.Single(f => f.Name == "manifest.json").Data)[1..^1]},{Encoding.UTF8.GetString(badFiles.Single(f => f.Name == "manifest.json").Data)[1..^1]}]";
        var files = goodFiles.Concat(badFiles).Where(f => f.Name is not ("manifest.json" or "repositories")).Append(("manifest.json", Encoding.UTF8.GetBytes(manifest))).ToList();
        await RefusedAsync(TestImage.Tar(files));
    }
}
