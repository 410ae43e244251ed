using System.Text.Json;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>/images over the socket: load (docker save and OCI layout), list, filters, inspect, history, tag, remove, save.</summary>
public sealed class ImageApiTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> LoadOkAsync(byte[] archive, bool quiet = true)
    {
        using var response = await _engine.LoadAsync(archive, quiet);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    [Fact]
    public async Task A_docker_save_archive_loads_with_dockers_messages_and_is_listed()
    {
        var image = TestImage.Simple("example/app:1");
        image.Labels["org.example.role"] = "test";

        var body = await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()));

        Assert.Equal("{\"stream\":\"Loaded image: example/app:1\\n\"}\n", body);
        var list = await _engine.GetJsonAsync("/v1.41/images/json");
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal(image.Id, entry.GetProperty("Id").GetString());
        Assert.Equal(["example/app:1"], entry.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(image.Created.ToUnixTimeSeconds(), entry.GetProperty("Created").GetInt64());
        Assert.Equal(5, entry.GetProperty("Size").GetInt64()); // "hello"
        Assert.Equal("test", entry.GetProperty("Labels").GetProperty("org.example.role").GetString());
        // The layer is extracted once, as an overlayfs lowerdir.
        var diff = Path.Combine(_engine.DataRoot, "image/layers/sha256", image.DiffIds[0][7..], "diff");
        Assert.Equal("hello", File.ReadAllText(Path.Combine(diff, "etc/motd")));
        Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(diff, "bin/sh")).LinkTarget);
    }

    [Fact]
    public async Task Without_quiet_each_new_layer_is_reported()
    {
        var image = TestImage.Simple("example/app:1");
        var body = await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()), quiet: false);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("Loading layer", lines[0].GetProperty("status").GetString());
        Assert.Equal(image.DiffIds[0][7..19], lines[0].GetProperty("id").GetString());
        Assert.Equal("Loaded image: example/app:1\n", lines[^1].GetProperty("stream").GetString());
    }

    [Fact]
    public async Task Gzipped_layers_and_untagged_images_load()
    {
        var image = new TestImage().Layer(new LayerBuilder().File("a", "1"));
        var body = await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles(gzipLayers: true)));
        Assert.Contains($"Loaded image ID: {image.Id}", body, StringComparison.Ordinal);
        var inspect = await _engine.GetJsonAsync($"/images/{image.Id}/json");
        Assert.Empty(inspect.GetProperty("RepoTags").EnumerateArray());
        var dangling = await _engine.GetJsonAsync("/images/json?filters=" + Uri.EscapeDataString("{\"dangling\":{\"true\":true}}"));
        Assert.Single(dangling.EnumerateArray());
    }

    [Fact]
    public async Task An_oci_layout_loads_with_its_name_from_the_index()
    {
        var image = TestImage.Simple("unused:1", "oci");
        var body = await LoadOkAsync(TestImage.Tar(image.OciLayoutFiles("registry.example:5000/team/oci:2")));
        Assert.Contains("Loaded image: registry.example:5000/team/oci:2", body, StringComparison.Ordinal);
        var inspect = await _engine.GetJsonAsync("/images/registry.example:5000/team/oci:2/json");
        Assert.Equal(image.Id, inspect.GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Zstd_layers_load_and_save_back_as_zstd()
    {
        var image = new TestImage().Layer(new LayerBuilder().File("z", "zstd!")).Layer(new LayerBuilder().File("y", "more"));
        var body = await LoadOkAsync(TestImage.Tar(image.OciLayoutFiles("zstd/app:1", zstd: true)));
        Assert.Contains("Loaded image: zstd/app:1", body, StringComparison.Ordinal);
        var diff = Path.Combine(_engine.DataRoot, "image/layers/sha256", image.DiffIds[0][7..], "diff");
        Assert.Equal("zstd!", File.ReadAllText(Path.Combine(diff, "z")));

        var archive = await _engine.Http.GetByteArrayAsync("/images/zstd/app:1/get", Ct);
        // System.Text.Json writes '+' as \u002B; both spellings are the same JSON string.
        Assert.True(archive.AsSpan().IndexOf("application/vnd.oci.image.layer.v1.tar\\u002Bzstd"u8) >= 0, "the saved manifest keeps the zstd media type");
        await using var other = await TestEngine.StartAsync();
        using var load = await other.LoadAsync(archive);
        Assert.True(load.IsSuccessStatusCode, await load.Content.ReadAsStringAsync(Ct));
        Assert.Equal(image.Id, (await other.GetJsonAsync("/images/zstd/app:1/json")).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task A_multi_platform_oci_index_loads_the_linux_amd64_image()
    {
        var image = TestImage.Simple("unused:1", "multi");
        var files = image.OciLayoutFiles(null);
        var manifest = JsonDocument.Parse(files.Single(f => f.Name == "index.json").Data).RootElement.GetProperty("manifests")[0];
        JsonObject Descriptor(string mediaType, string digest, long size) => new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
        var arm = Descriptor("application/vnd.oci.image.manifest.v1+json", "sha256:" + new string('9', 64), 1);
        arm["platform"] = new JsonObject { ["architecture"] = "arm64", ["os"] = "linux" };
        var amd = Descriptor("application/vnd.oci.image.manifest.v1+json", manifest.GetProperty("digest").GetString()!, manifest.GetProperty("size").GetInt64());
        amd["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" };
        var nested = System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(arm, amd),
        }.ToJsonString());
        var top = Descriptor("application/vnd.oci.image.index.v1+json", TestImage.Sha256(nested), nested.Length);
        top["annotations"] = new JsonObject { ["io.containerd.image.name"] = "docker.io/library/multi:1" };
        files.RemoveAll(f => f.Name == "index.json");
        files.Add(($"blobs/sha256/{TestImage.Sha256(nested)[7..]}", nested));
        files.Add(("index.json", System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(top) }.ToJsonString())));

        var body = await LoadOkAsync(TestImage.Tar(files));

        Assert.Contains("Loaded image: multi:1", body, StringComparison.Ordinal);
        Assert.Equal(image.Id, (await _engine.GetJsonAsync("/images/multi:1/json")).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Saving_a_bare_repository_name_saves_all_its_tags()
    {
        var one = TestImage.Simple("repo:1", "1");
        var two = TestImage.Simple("repo:2", "2");
        await LoadOkAsync(TestImage.Tar(one.DockerSaveFiles()));
        await LoadOkAsync(TestImage.Tar(two.DockerSaveFiles()));
        await LoadOkAsync(TestImage.Tar(TestImage.Simple("other:1", "3").DockerSaveFiles()));

        var archive = await _engine.Http.GetByteArrayAsync("/images/repo/get", Ct);

        await using var other = await TestEngine.StartAsync();
        using var load = await other.LoadAsync(archive);
        var body = await load.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Loaded image: repo:1", body, StringComparison.Ordinal);
        Assert.Contains("Loaded image: repo:2", body, StringComparison.Ordinal);
        Assert.Equal(2, (await other.GetJsonAsync("/images/json")).GetArrayLength());
    }

    [Fact]
    public async Task A_gzipped_archive_loads()
    {
        var image = TestImage.Simple("zipped:1");
        await LoadOkAsync(TestImage.Gzip(TestImage.Tar(image.DockerSaveFiles())));
        Assert.Equal(image.Id, (await _engine.GetJsonAsync("/images/zipped:1/json")).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Inspect_finds_an_image_by_every_kind_of_name_and_shows_its_config()
    {
        var image = TestImage.Simple("example/app:1");
        await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()));

        // The last two as clients send them that escape the name as one path segment.
        foreach (var name in new[] { "example/app:1", "docker.io/example/app:1", image.Id, image.Id[7..], image.Id[7..19], "example%2Fapp%3A1", Uri.EscapeDataString("docker.io/example/app:1") })
        {
            var inspect = await _engine.GetJsonAsync($"/v1.41/images/{name}/json");
            Assert.Equal(image.Id, inspect.GetProperty("Id").GetString());
        }
        var result = await _engine.GetJsonAsync("/images/example/app:1/json");
        Assert.Equal("sh", result.GetProperty("Config").GetProperty("Cmd")[0].GetString());
        Assert.Equal("amd64", result.GetProperty("Architecture").GetString());
        Assert.Equal(image.DiffIds, result.GetProperty("RootFS").GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        var lower = result.GetProperty("GraphDriver").GetProperty("Data").GetProperty("LowerDir").GetString()!;
        Assert.True(File.Exists(Path.Combine(lower, "etc/motd")));
        Assert.StartsWith("2025-01-02T03:04:05", result.GetProperty("Created").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_images_are_404()
    {
        foreach (var path in new[] { "/images/nope/json", "/images/nope:1/history", "/images/get?names=nope", "/images/nope/get" })
        {
            using var response = await _engine.Http.GetAsync(path, Ct);
            Assert.StartsWith("No such image: nope", await TestEngine.ErrorMessageAsync(response, 404), StringComparison.Ordinal);
        }
        using var delete = await _engine.Http.DeleteAsync("/images/nope", Ct);
        await TestEngine.ErrorMessageAsync(delete, 404);
        using var tag = await _engine.Http.PostAsync("/images/nope/tag?repo=x", null, Ct);
        await TestEngine.ErrorMessageAsync(tag, 404);
    }

    [Fact]
    public async Task History_is_newest_first_with_layer_sizes()
    {
        var image = new TestImage().Layer(new LayerBuilder().File("a", "12345")).Layer(new LayerBuilder().File("b", "1")).Tag("hist:1");
        await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()));
        var history = (await _engine.GetJsonAsync("/images/hist:1/history")).EnumerateArray().ToList();
        Assert.Equal(3, history.Count);
        Assert.Equal(image.Id, history[0].GetProperty("Id").GetString());
        Assert.Equal(["hist:1"], history[0].GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("CMD [\"sh\"]", history[0].GetProperty("CreatedBy").GetString());
        Assert.Equal(0, history[0].GetProperty("Size").GetInt64());
        Assert.Equal(1, history[1].GetProperty("Size").GetInt64());
        Assert.Equal(5, history[2].GetProperty("Size").GetInt64());
        Assert.Equal("<missing>", history[2].GetProperty("Id").GetString());
    }

    [Fact]
    public async Task Filters_select_by_reference_label_and_dangling()
    {
        var one = TestImage.Simple("team/one:1", "1");
        one.Labels["tier"] = "a";
        var two = TestImage.Simple("team/two:1", "2");
        await LoadOkAsync(TestImage.Tar(one.DockerSaveFiles()));
        await LoadOkAsync(TestImage.Tar(two.DockerSaveFiles()));

        async Task<List<string>> IdsAsync(string filters) =>
            (await _engine.GetJsonAsync("/images/json?filters=" + Uri.EscapeDataString(filters))).EnumerateArray().Select(e => e.GetProperty("Id").GetString()!).ToList();

        Assert.Equal([one.Id], await IdsAsync("{\"reference\":{\"team/one\":true}}"));
        Assert.Equal(2, (await IdsAsync("{\"reference\":[\"team/*\"]}")).Count);
        Assert.Equal([two.Id], await IdsAsync("{\"reference\":{\"team/t*:1\":true}}"));
        Assert.Equal([one.Id], await IdsAsync("{\"label\":{\"tier=a\":true}}"));
        Assert.Empty(await IdsAsync("{\"label\":{\"tier=b\":true}}"));
        Assert.Equal(2, (await IdsAsync("{\"dangling\":{\"false\":true}}")).Count);

        using var bad = await _engine.Http.GetAsync("/images/json?filters=" + Uri.EscapeDataString("{\"colour\":{\"red\":true}}"), Ct);
        Assert.Equal("invalid filter 'colour'", await TestEngine.ErrorMessageAsync(bad, 400));
        using var malformed = await _engine.Http.GetAsync("/images/json?filters=%7Bnot-json", Ct);
        await TestEngine.ErrorMessageAsync(malformed, 400);
    }

    [Fact]
    public async Task Before_and_since_compare_creation_times()
    {
        TestImage Made(int year, string tag) => new TestImage { Created = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero) }.Layer(new LayerBuilder().File("y", tag)).Tag(tag);
        var old = Made(2020, "old:1");
        var mid = Made(2022, "mid:1");
        var fresh = Made(2024, "fresh:1");
        foreach (var image in new[] { old, mid, fresh })
        {
            await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()));
        }

        async Task<List<string>> IdsAsync(string filters) =>
            (await _engine.GetJsonAsync("/images/json?filters=" + Uri.EscapeDataString(filters))).EnumerateArray().Select(e => e.GetProperty("Id").GetString()!).ToList();

        Assert.Equal([fresh.Id, mid.Id, old.Id], await IdsAsync("{}"));
        Assert.Equal([old.Id], await IdsAsync("{\"before\":{\"mid:1\":true}}"));
        Assert.Equal([fresh.Id], await IdsAsync("{\"since\":{\"mid:1\":true}}"));
        using var unknown = await _engine.Http.GetAsync("/images/json?filters=" + Uri.EscapeDataString("{\"since\":{\"nope:1\":true}}"), Ct);
        await TestEngine.ErrorMessageAsync(unknown, 404);
    }

    [Fact]
    public async Task Tag_then_remove_by_tag_untags_and_the_last_tag_deletes()
    {
        var image = TestImage.Simple("first:1");
        await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()));

        using (var tag = await _engine.Http.PostAsync("/v1.41/images/first:1/tag?repo=second&tag=2", null, Ct))
        {
            Assert.Equal(201, (int)tag.StatusCode);
        }
        var tags = (await _engine.GetJsonAsync("/images/first:1/json")).GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString());
        Assert.Equal(["first:1", "second:2"], tags);

        using (var untag = await _engine.Http.DeleteAsync("/images/second:2", Ct))
        {
            Assert.Equal("[{\"Untagged\":\"second:2\"}]", await untag.Content.ReadAsStringAsync(Ct));
        }
        using (var delete = await _engine.Http.DeleteAsync("/images/first:1", Ct))
        {
            var items = JsonDocument.Parse(await delete.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray().ToList();
            Assert.Equal("first:1", items[0].GetProperty("Untagged").GetString());
            Assert.Equal(image.Id, items[1].GetProperty("Deleted").GetString());
        }
        Assert.Empty((await _engine.GetJsonAsync("/images/json")).EnumerateArray());
        Assert.Empty(_engine.StoredFiles());
    }

    [Fact]
    public async Task Removing_by_id_an_image_tagged_in_two_repositories_needs_force()
    {
        var image = TestImage.Simple("one:1");
        await LoadOkAsync(TestImage.Tar(image.DockerSaveFiles()));
        (await _engine.Http.PostAsync("/images/one:1/tag?repo=two:1", null, Ct)).Dispose();

        using (var conflict = await _engine.Http.DeleteAsync($"/images/{image.Id[7..19]}", Ct))
        {
            Assert.Equal($"conflict: unable to delete {image.Id[7..19]} (must be forced) - image is referenced in multiple repositories", await TestEngine.ErrorMessageAsync(conflict, 409));
        }
        Assert.Single((await _engine.GetJsonAsync("/images/json")).EnumerateArray());

        using var forced = await _engine.Http.DeleteAsync($"/images/{image.Id[7..19]}?force=1", Ct);
        var body = await forced.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"Untagged\":\"one:1\"", body, StringComparison.Ordinal);
        Assert.Contains("\"Untagged\":\"two:1\"", body, StringComparison.Ordinal);
        Assert.Contains($"\"Deleted\":\"{image.Id}\"", body, StringComparison.Ordinal);
        Assert.Empty(_engine.StoredFiles());
    }

    [Fact]
    public async Task A_layer_shared_by_two_images_stays_until_the_last_one_goes()
    {
        var shared = new LayerBuilder().File("base", "base");
        var a = new TestImage().Layer(shared).Layer(new LayerBuilder().File("a", "a")).Tag("a:1");
        var b = new TestImage().Layer(shared).Layer(new LayerBuilder().File("b", "b")).Tag("b:1");
        await LoadOkAsync(TestImage.Tar(a.DockerSaveFiles()));
        await LoadOkAsync(TestImage.Tar(b.DockerSaveFiles()));
        var sharedDir = Path.Combine(_engine.DataRoot, "image/layers/sha256", a.DiffIds[0][7..]);

        (await _engine.Http.DeleteAsync("/images/a:1", Ct)).Dispose();
        Assert.True(Directory.Exists(sharedDir));
        Assert.False(Directory.Exists(Path.Combine(_engine.DataRoot, "image/layers/sha256", a.DiffIds[1][7..])));
        Assert.Equal(b.Id, (await _engine.GetJsonAsync("/images/b:1/json")).GetProperty("Id").GetString());

        (await _engine.Http.DeleteAsync("/images/b:1", Ct)).Dispose();
        Assert.False(Directory.Exists(sharedDir));
    }

    [Fact]
    public async Task Loading_a_tag_that_exists_moves_it_and_says_so()
    {
        var old = TestImage.Simple("app:1", "old");
        var fresh = TestImage.Simple("app:1", "new");
        await LoadOkAsync(TestImage.Tar(old.DockerSaveFiles()));
        var body = await LoadOkAsync(TestImage.Tar(fresh.DockerSaveFiles()));
        Assert.Contains($"The image app:1 already exists, renaming the old one with ID {old.Id} to empty string", body, StringComparison.Ordinal);
        Assert.Equal(fresh.Id, (await _engine.GetJsonAsync("/images/app:1/json")).GetProperty("Id").GetString());
        Assert.Empty((await _engine.GetJsonAsync($"/images/{old.Id}/json")).GetProperty("RepoTags").EnumerateArray());
    }

    [Fact]
    public async Task Tag_refuses_bad_names()
    {
        await LoadOkAsync(TestImage.Tar(TestImage.Simple("ok:1").DockerSaveFiles()));
        foreach (var query in new[] { "repo=UPPER", "repo=", "tag=1", "repo=x@sha256:" + new string('a', 64), "repo=x:1&tag=2" })
        {
            using var response = await _engine.Http.PostAsync("/images/ok:1/tag?" + query, null, Ct);
            await TestEngine.ErrorMessageAsync(response, 400);
        }
    }

    [Fact]
    public async Task Saved_images_load_back_into_another_engine_with_the_same_ids_and_tags()
    {
        var plain = TestImage.Simple("save/plain:1", "plain");
        var zipped = new TestImage().Layer(new LayerBuilder().File("z", "zz")).Tag("save/zipped:1");
        await LoadOkAsync(TestImage.Tar(plain.DockerSaveFiles()));
        await LoadOkAsync(TestImage.Tar(zipped.DockerSaveFiles(gzipLayers: true)));

        using var response = await _engine.Http.GetAsync("/images/get?names=save/plain:1&names=save/zipped:1", Ct);
        Assert.Equal("application/x-tar", response.Content.Headers.ContentType?.MediaType);
        var archive = await response.Content.ReadAsByteArrayAsync(Ct);

        await using var other = await TestEngine.StartAsync();
        using var load = await other.LoadAsync(archive);
        var body = await load.Content.ReadAsStringAsync(Ct);
        Assert.True(load.IsSuccessStatusCode, body);
        Assert.Equal(plain.Id, (await other.GetJsonAsync("/images/save/plain:1/json")).GetProperty("Id").GetString());
        Assert.Equal(zipped.Id, (await other.GetJsonAsync("/images/save/zipped:1/json")).GetProperty("Id").GetString());

        using var single = await _engine.Http.GetAsync("/v1.41/images/save/plain:1/get", Ct);
        Assert.Equal(200, (int)single.StatusCode);
    }
}
