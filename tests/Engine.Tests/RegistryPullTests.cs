using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CorralOS.Engine.Images;
using Docker.DotNet.Models;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Pulls and pushes against Debian's docker-registry on 127.0.0.1: the docker CLI and Docker.DotNet as clients,
/// by tag and by digest, a manifest list, gzip / zstd / plain layers, a corrupted blob, unknown images.
/// </summary>
public sealed partial class RegistryPullTests
{
    private static TestImage TwoLayers(string tag, string content) =>
        new TestImage()
            .Layer(new LayerBuilder().Dir("etc").File("etc/motd", content).Dir("bin").Symlink("bin/sh", "/bin/busybox"))
            .Layer(new LayerBuilder().Dir("srv").File("srv/data", new string('x', 200_000) + content))
            .Tag(tag);

    /// <summary>More layers than the engine downloads at once (three), so some wait for a slot.</summary>
    private static TestImage FiveLayers(string tag, string content)
    {
        var image = TwoLayers(tag, content);
        for (var i = 0; i < 3; i++)
        {
            image.Layer(new LayerBuilder().Dir($"extra{i}").File($"extra{i}/file", new string((char)('a' + i), 50_000 * (i + 1))));
        }
        return image;
    }

    /// <summary>docker push's "TAG: digest: sha256:... size: N" line.</summary>
    private static (string Digest, int Size) PushedDigest(string output, string tag)
    {
        var match = Regex.Match(output, $@"{Regex.Escape(tag)}: digest: (sha256:[0-9a-f]{{64}}) size: (\d+)");
        Assert.True(match.Success, $"no digest line for {tag} in: {output}");
        return (match.Groups[1].Value, int.Parse(match.Groups[2].Value));
    }

    private static string LayerFile(RegistryTestEngine engine, string name, int layer, string file)
    {
        var image = engine.Server.Store.Get(name);
        return File.ReadAllText(Path.Combine(engine.Server.Store.Layout.LayerDiff(Digest.Parse(image.Record.Layers[layer].DiffId)), file));
    }

    [Fact]
    public async Task Docker_cli_pushes_then_pulls_by_tag_and_by_digest()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/team/app";
        var image = FiveLayers(name + ":1", "by tag");
        await source.LoadAsync(TestImage.Tar(image.DockerSaveFiles(gzipLayers: true)));

        var pushed = await source.DockerOkAsync("push", name + ":1");
        Assert.Contains($"The push refers to repository [{name}]", pushed, StringComparison.Ordinal);
        Assert.Contains(": Pushed", pushed, StringComparison.Ordinal);
        var (digest, _) = PushedDigest(pushed, "1");
        var again = await source.DockerOkAsync("push", name + ":1");
        Assert.Contains(": Layer already exists", again, StringComparison.Ordinal);
        Assert.Equal(digest, PushedDigest(again, "1").Digest);
        // A name escaped as one path segment (%2F) is the same repository.
        using (var escaped = await source.Http.PostAsync($"/v1.41/images/{Uri.EscapeDataString(name)}/push?tag=1", null, TestContext.Current.CancellationToken))
        {
            var stream = await escaped.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Contains($"\"status\":\"1: digest: {digest} size:", stream, StringComparison.Ordinal);
            Assert.Contains($"\"aux\":{{\"Tag\":\"1\",\"Digest\":\"{digest}\"", stream, StringComparison.Ordinal);
        }

        await using var target = await RegistryTestEngine.StartAsync();
        var pulled = await target.DockerOkAsync("pull", name + ":1");
        foreach (var line in new[] { "1: Pulling from team/app", ": Pulling fs layer", ": Verifying Checksum", ": Download complete", ": Pull complete", $"Digest: {digest}", $"Status: Downloaded newer image for {name}:1" })
        {
            Assert.Contains(line, pulled, StringComparison.Ordinal);
        }
        var inspected = await target.DockerOkAsync("image", "inspect", "--format", "{{.Id}} {{json .RepoTags}} {{json .RepoDigests}}", name + ":1");
        Assert.Equal($"{image.Id} [\"{name}:1\"] [\"{name}@{digest}\"]\n", inspected);
        Assert.Equal("by tag", LayerFile(target, name + ":1", 0, "etc/motd"));
        Assert.Equal(new string('c', 150_000), LayerFile(target, name + ":1", 4, "extra2/file"));
        Assert.Equal(image.DiffIds, target.Server.Store.Get(name + ":1").DiffIds);

        var upToDate = await target.DockerOkAsync("pull", name + ":1");
        Assert.Contains(": Already exists", upToDate, StringComparison.Ordinal);
        Assert.Contains($"Status: Image is up to date for {name}:1", upToDate, StringComparison.Ordinal);
        Assert.DoesNotContain("Pull complete", upToDate, StringComparison.Ordinal);

        await using var byDigest = await RegistryTestEngine.StartAsync();
        var pulledByDigest = await byDigest.DockerOkAsync("pull", $"{name}@{digest}");
        Assert.Contains($"Status: Downloaded newer image for {name}@{digest}", pulledByDigest, StringComparison.Ordinal);
        Assert.Equal($"{image.Id} [] [\"{name}@{digest}\"]\n",
            await byDigest.DockerOkAsync("image", "inspect", "--format", "{{.Id}} {{json .RepoTags}} {{json .RepoDigests}}", $"{name}@{digest}"));
    }

    [Fact]
    public async Task Docker_DotNet_pushes_and_pulls_zstd_layers_with_progress()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/zapp";
        var image = TwoLayers(name + ":2", "zstd");
        await source.LoadAsync(TestImage.Tar(image.OciLayoutFiles(name + ":2", zstd: true)));
        using (var client = source.DockerDotNet())
        {
            var pushProgress = new Collect();
            await client.Images.PushImageAsync(name, new ImagePushParameters { Tag = "2" }, new AuthConfig(), pushProgress, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(pushProgress.Items, m => m.Error is not null);
            Assert.Contains(pushProgress.Items, m => m.Status == "Pushing" && m.Progress?.Current > 0);
            Assert.Contains(pushProgress.Items, m => m.Status == "Pushed");
        }

        await using var target = await RegistryTestEngine.StartAsync();
        using var pulling = target.DockerDotNet();
        var progress = new Collect();
        await pulling.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = name, Tag = "2" }, null, progress, TestContext.Current.CancellationToken);
        var messages = progress.Items.ToList();
        Assert.DoesNotContain(messages, m => m.Error is not null);
        var layers = source.Server.Store.Get(name + ":2").Record.Layers;
        foreach (var layer in layers)
        {
            var id = Digest.Parse(layer.Blob).Short;
            var statuses = messages.Where(m => m.ID == id).Select(m => m.Status).Distinct().ToList();
            Assert.Equal(["Pulling fs layer", "Downloading", "Verifying Checksum", "Download complete", "Extracting", "Pull complete"], statuses);
            var last = messages.Last(m => m.ID == id && m.Status == "Downloading");
            Assert.Equal(layer.BlobSize, last.Progress.Total);
        }
        Assert.Equal($"Status: Downloaded newer image for {name}:2", messages[^1].Status);

        var pulled = target.Server.Store.Get(name + ":2");
        Assert.Equal(image.Id, pulled.Id);
        Assert.All(pulled.Record.Layers, l => Assert.Equal(MediaTypes.OciLayerZstd, l.MediaType));
        Assert.Equal("zstd", LayerFile(target, name + ":2", 0, "etc/motd"));
        var listed = await pulling.Images.ListImagesAsync(new ImagesListParameters(), TestContext.Current.CancellationToken);
        Assert.Equal([name + ":2"], listed.Single().RepoTags);
    }

    [Fact]
    public async Task A_manifest_list_pull_takes_the_amd64_entry()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/multi";
        var amd = TwoLayers(name + ":amd", "amd64 build");
        var arm = TwoLayers(name + ":arm", "arm64 build");
        await source.LoadAsync(TestImage.Tar(amd.DockerSaveFiles()));
        await source.LoadAsync(TestImage.Tar(arm.DockerSaveFiles()));
        var amdManifest = PushedDigest(await source.DockerOkAsync("push", name + ":amd"), "amd");
        var armManifest = PushedDigest(await source.DockerOkAsync("push", name + ":arm"), "arm");

        JsonObject Entry((string Digest, int Size) manifest, string arch, string? variant) => new()
        {
            ["mediaType"] = MediaTypes.OciManifest,
            ["digest"] = manifest.Digest,
            ["size"] = manifest.Size,
            ["platform"] = variant is null ? new JsonObject { ["architecture"] = arch, ["os"] = "linux" } : new JsonObject { ["architecture"] = arch, ["os"] = "linux", ["variant"] = variant },
        };
        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(Entry(armManifest, "arm64", "v8"), Entry(amdManifest, "amd64", null)),
        }.ToJsonString());
        var listDigest = await registry.PutManifestAsync("multi", "both", MediaTypes.OciIndex, index);

        await using var target = await RegistryTestEngine.StartAsync();
        var pulled = await target.DockerOkAsync("pull", name + ":both");
        Assert.Contains($"Digest: {listDigest}", pulled, StringComparison.Ordinal);
        Assert.Equal($"{amd.Id} [\"{name}@{listDigest}\"]\n", await target.DockerOkAsync("image", "inspect", "--format", "{{.Id}} {{json .RepoDigests}}", name + ":both"));
        Assert.Equal("amd64 build", LayerFile(target, name + ":both", 0, "etc/motd"));
        Assert.All(target.Server.Store.Get(name + ":both").Record.Layers, l => Assert.Equal(MediaTypes.OciLayer, l.MediaType));

        // The same with Docker's types: a schema2 manifest (docker layer media types) in a Docker manifest list.
        var record = source.Server.Store.Get(name + ":amd");
        var schema2 = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.DockerManifest,
            ["config"] = new JsonObject { ["mediaType"] = MediaTypes.DockerConfig, ["digest"] = record.Id, ["size"] = amd.ConfigBytes().Length },
            ["layers"] = new JsonArray(record.Record.Layers.Select(l => (JsonNode)new JsonObject { ["mediaType"] = MediaTypes.DockerLayer, ["digest"] = l.Blob, ["size"] = l.BlobSize }).ToArray()),
        }.ToJsonString());
        var schema2Digest = await registry.PutManifestAsync("multi", "amd-schema2", MediaTypes.DockerManifest, schema2);
        var dockerList = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.DockerManifestList,
            ["manifests"] = new JsonArray(
                new JsonObject { ["mediaType"] = MediaTypes.DockerManifest, ["digest"] = schema2Digest, ["size"] = schema2.Length, ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "windows" } },
                Entry(armManifest, "arm64", null),
                new JsonObject { ["mediaType"] = MediaTypes.DockerManifest, ["digest"] = schema2Digest, ["size"] = schema2.Length, ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" } }),
        }.ToJsonString());
        var dockerListDigest = await registry.PutManifestAsync("multi", "docker-list", MediaTypes.DockerManifestList, dockerList);
        await using var docker = await RegistryTestEngine.StartAsync();
        Assert.Contains($"Digest: {dockerListDigest}", await docker.DockerOkAsync("pull", name + ":docker-list"), StringComparison.Ordinal);
        Assert.Equal(amd.Id, docker.Server.Store.Get(name + ":docker-list").Id);

        // Nothing for this platform: a clear 404 before any stream.
        var armOnly = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(Entry(armManifest, "arm64", "v8")),
        }.ToJsonString());
        await registry.PutManifestAsync("multi", "arm-only", MediaTypes.OciIndex, armOnly);
        using var response = await docker.Http.PostAsync($"/v1.41/images/create?fromImage={Uri.EscapeDataString(name)}&tag=arm-only", null, TestContext.Current.CancellationToken);
        Assert.Contains("no matching manifest for linux/amd64 in the manifest list entries", await TestEngine.ErrorMessageAsync(response, 404), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_that_does_not_match_its_digest_is_refused()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/tampered";
        await source.LoadAsync(TestImage.Tar(TwoLayers(name + ":1", "manifest").DockerSaveFiles(gzipLayers: true)));
        var (digest, _) = PushedDigest(await source.DockerOkAsync("push", name + ":1"), "1");

        // Same length and still valid JSON, so the registry serves it as it is: only the digest check can tell.
        var data = registry.BlobData(digest);
        var text = await File.ReadAllTextAsync(data, TestContext.Current.CancellationToken);
        var changed = Regex.Replace(text, "\"size\":(\\d)", m => "\"size\":" + (m.Groups[1].Value == "9" ? "8" : "9"), RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.NotEqual(text, changed);
        await File.WriteAllTextAsync(data, changed, TestContext.Current.CancellationToken);

        await using var target = await RegistryTestEngine.StartAsync();
        var byDigest = await target.DockerAsync("pull", $"{name}@{digest}");
        Assert.NotEqual(0, byDigest.Exit);
        Assert.Contains($"manifest for {name}@{digest}: the registry sent content with digest sha256:", byDigest.Error, StringComparison.Ordinal);
        var byTag = await target.DockerAsync("pull", name + ":1");
        Assert.NotEqual(0, byTag.Exit);
        Assert.Contains($"the registry says {digest}", byTag.Error, StringComparison.Ordinal);
        Assert.Empty(target.StoredFiles());
    }

    [Fact]
    public async Task A_corrupted_blob_is_refused_and_nothing_is_stored()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/broken";
        await source.LoadAsync(TestImage.Tar(TwoLayers(name + ":1", "intact").DockerSaveFiles(gzipLayers: true)));
        await source.DockerOkAsync("push", name + ":1");
        var blob = source.Server.Store.Get(name + ":1").Record.Layers[1].Blob;
        var data = registry.BlobData(blob);
        var bytes = await File.ReadAllBytesAsync(data, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(data, bytes, TestContext.Current.CancellationToken);

        await using var target = await RegistryTestEngine.StartAsync();
        var (exit, output, error) = await target.DockerAsync("pull", name + ":1");
        Assert.NotEqual(0, exit);
        Assert.Contains($"filesystem layer verification failed for digest {blob}", error + output, StringComparison.Ordinal);
        Assert.Empty(target.StoredFiles());
        Assert.Equal("", await target.DockerOkAsync("images", "-q"));
    }

    [Fact]
    public async Task Unknown_images_and_unreachable_registries_give_clear_errors()
    {
        await using var registry = await LocalRegistry.StartAsync();
        await using var engine = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/nothing";

        var (exit, _, error) = await engine.DockerAsync("pull", name + ":1");
        Assert.NotEqual(0, exit);
        Assert.True(error.Contains($"manifest for {name}:1 not found: manifest unknown", StringComparison.Ordinal), error);

        using var response = await engine.Http.PostAsync($"/v1.41/images/create?fromImage={Uri.EscapeDataString(name)}&tag=1", null, TestContext.Current.CancellationToken);
        Assert.Contains($"manifest for {name}:1 not found", await TestEngine.ErrorMessageAsync(response, 404), StringComparison.Ordinal);

        await engine.LoadAsync(TestImage.Tar(TwoLayers(name + ":1", "x").DockerSaveFiles()));
        await engine.DockerOkAsync("push", name + ":1");
        var unknownTag = await engine.DockerAsync("pull", name + ":2");
        Assert.Contains($"manifest for {name}:2 not found: manifest unknown", unknownTag.Error, StringComparison.Ordinal);

        var unreachable = await engine.DockerAsync("pull", "127.0.0.1:1/app:1");
        Assert.NotEqual(0, unreachable.Exit);
        Assert.Contains("127.0.0.1:1", unreachable.Error, StringComparison.Ordinal);
        Assert.Contains("Connection refused", unreachable.Error, StringComparison.OrdinalIgnoreCase);

        using var bad = await engine.Http.PostAsync($"/v1.41/images/create?fromImage={registry.Host}/Upper", null, TestContext.Current.CancellationToken);
        Assert.Contains("must be lowercase", await TestEngine.ErrorMessageAsync(bad, 400), StringComparison.Ordinal);
        Assert.Contains("No such image", (await engine.DockerAsync("push", $"{registry.Host}/absent:1")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_from_the_client_from_docker_login_and_from_the_configured_auths()
    {
        await using var registry = await LocalRegistry.StartWithBasicAuthAsync("alice", "s3cret");
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/private";
        var image = TwoLayers(name + ":1", "basic");
        await source.LoadAsync(TestImage.Tar(image.DockerSaveFiles(gzipLayers: true)));

        var anonymousPush = await source.DockerAsync("push", name + ":1");
        Assert.NotEqual(0, anonymousPush.Exit);
        Assert.Contains("unauthorized: authentication required", anonymousPush.Error + anonymousPush.Output, StringComparison.Ordinal);
        using (var client = source.DockerDotNet())
        {
            var progress = new Collect();
            await client.Images.PushImageAsync(name, new ImagePushParameters { Tag = "1" }, new AuthConfig { Username = "alice", Password = "s3cret" }, progress, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(progress.Items, m => m.Error is not null);
            Assert.Contains(progress.Items, m => m.Status?.StartsWith("1: digest: sha256:", StringComparison.Ordinal) == true);
        }

        await using var cli = await RegistryTestEngine.StartAsync();
        var anonymous = await cli.DockerAsync("pull", name + ":1");
        Assert.NotEqual(0, anonymous.Exit);
        Assert.Contains("unauthorized: authentication required", anonymous.Error, StringComparison.Ordinal);
        var wrong = await cli.DockerAsync("login", "-u", "alice", "-p", "wrong", registry.Host);
        Assert.NotEqual(0, wrong.Exit);
        Assert.Contains("unauthorized", wrong.Error, StringComparison.Ordinal);
        Assert.Contains("Login Succeeded", await cli.DockerOkAsync("login", "-u", "alice", "-p", "s3cret", registry.Host), StringComparison.Ordinal);
        Assert.Contains($"Status: Downloaded newer image for {name}:1", await cli.DockerOkAsync("pull", name + ":1"), StringComparison.Ordinal);

        var authFile = Path.Combine(registry.Dir, "registry-auths.json");
        await File.WriteAllTextAsync(authFile, new JsonObject { [registry.Host] = new JsonObject { ["username"] = "alice", ["password"] = "s3cret" } }.ToJsonString(), TestContext.Current.CancellationToken);
        await using var configured = await RegistryTestEngine.StartAsync(authFile);
        Assert.Contains($"Status: Downloaded newer image for {name}:1", await configured.DockerOkAsync("pull", name + ":1"), StringComparison.Ordinal);
        Assert.Equal(image.Id, configured.Server.Store.Get(name + ":1").Id);

        // Credentials from the client win over the configured ones, as in Docker.
        cli.StoreCliLogin(registry.Host, "alice", "wrong");
        await File.WriteAllTextAsync(Path.Combine(configured.DockerConfig, "config.json"), await File.ReadAllTextAsync(Path.Combine(cli.DockerConfig, "config.json"), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        Assert.Contains("unauthorized", (await configured.DockerAsync("pull", name + ":1")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_token_auth_from_the_client_and_from_the_configured_auths()
    {
        using var tokens = new TokenServer("bob", "t0ken-pass");
        await using var registry = await LocalRegistry.StartWithTokenAuthAsync(tokens);
        await using var source = await RegistryTestEngine.StartAsync();
        var name = $"{registry.Host}/secure/app";
        var image = TwoLayers(name + ":1", "bearer");
        await source.LoadAsync(TestImage.Tar(image.DockerSaveFiles(gzipLayers: true)));
        source.StoreCliLogin(registry.Host, "bob", "t0ken-pass");
        PushedDigest(await source.DockerOkAsync("push", name + ":1"), "1");
        Assert.Contains("bob repository:secure/app:pull,push yes", tokens.Requests);

        await using var target = await RegistryTestEngine.StartAsync();
        var anonymous = await target.DockerAsync("pull", name + ":1");
        Assert.NotEqual(0, anonymous.Exit);
        Assert.Contains($"getting a token from {tokens.Realm}", anonymous.Error, StringComparison.Ordinal);
        Assert.Contains(" repository:secure/app:pull no", tokens.Requests);

        using (var client = target.DockerDotNet())
        {
            var progress = new Collect();
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = name, Tag = "1" }, new AuthConfig { Username = "bob", Password = "t0ken-pass" }, progress, TestContext.Current.CancellationToken);
            Assert.DoesNotContain(progress.Items, m => m.Error is not null);
            Assert.Equal(image.Id, target.Server.Store.Get(name + ":1").Id);
        }
        Assert.Contains("bob repository:secure/app:pull yes", tokens.Requests);

        // The configured auths may also be a docker config.json ({"auths": {...}}) with base64 user:password.
        var authFile = Path.Combine(registry.Dir, "config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:t0ken-pass"));
        await File.WriteAllTextAsync(authFile, new JsonObject { ["auths"] = new JsonObject { [$"http://{registry.Host}/v2/"] = new JsonObject { ["auth"] = auth } } }.ToJsonString(), TestContext.Current.CancellationToken);
        await using var configured = await RegistryTestEngine.StartAsync(authFile);
        Assert.Contains($"Status: Downloaded newer image for {name}:1", await configured.DockerOkAsync("pull", name + ":1"), StringComparison.Ordinal);
    }

    /// <summary>Collects progress synchronously (Progress&lt;T&gt; posts to the pool and may report after the call returns).</summary>
    private sealed class Collect : IProgress<JSONMessage>
    {
        public ConcurrentQueue<JSONMessage> Items { get; } = new();

        public void Report(JSONMessage value) => Items.Enqueue(value);
    }
}
