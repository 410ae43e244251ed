using CorralOS.Engine.Tests;

namespace CorralOS.SystemDockerClient.Tests;

/// <summary>load, save, pull, tag and rmi through `ros system-docker`, checked against the engine and the docker CLI.</summary>
public sealed class ImageCommandTests(ClientEngine engine) : IClassFixture<ClientEngine>
{
    [Fact]
    public async Task Save_and_load_round_trip_through_files_and_pipes()
    {
        (await engine.SystemDockerAsync("tag", "busybox:test", "roundtrip:one")).Ok();
        var piped = (await engine.SystemDockerAsync("save", "roundtrip:one")).Ok().OutputBytes;
        var file = Path.Combine(engine.Engine.Dir, "saved.tar");
        (await engine.SystemDockerAsync("save", "-o", file, "roundtrip:one", "busybox:test")).Ok();
        Assert.True(piped.Length > 1_000_000);
        var docker = (await engine.DockerAsync("save", "roundtrip:one")).Ok().OutputBytes;
        Assert.Equal(docker.Length, piped.Length);

        Assert.Equal("Untagged: roundtrip:one\n", (await engine.SystemDockerAsync("rmi", "roundtrip:one")).Ok().Output);
        Assert.Equal("Loaded image: roundtrip:one\n", (await engine.SystemDockerWithInputAsync(piped, "load")).Ok().Output);
        (await engine.SystemDockerAsync("rmi", "roundtrip:one")).Ok();
        var loaded = (await engine.SystemDockerAsync("load", "-i", file)).Ok().Output;
        Assert.Contains("Loaded image: roundtrip:one\n", loaded, StringComparison.Ordinal);
        Assert.Contains("Loaded image: busybox:test\n", loaded, StringComparison.Ordinal);
        (await engine.SystemDockerAsync("rmi", "roundtrip:one")).Ok();
        var quiet = (await engine.SystemDockerWithInputAsync(piped, "load", "-q")).Ok().Output;
        Assert.Equal((await engine.DockerWithInputAsync(piped, "load", "-q")).Ok().Output, quiet);

        // A hostile archive is the engine's clean error, exit 1.
        var broken = await engine.SystemDockerWithInputAsync(piped[..(piped.Length / 2)], "load");
        Assert.Equal(1, broken.Exit);
        Assert.StartsWith("Error response from daemon: ", broken.Error, StringComparison.Ordinal);
        (await engine.SystemDockerAsync("rmi", "roundtrip:one")).Ok();
    }

    [Fact]
    public async Task Tag_and_rmi_print_what_docker_prints()
    {
        (await engine.SystemDockerAsync("tag", "busybox:test", "127.0.0.1:5000/team/tagged")).Ok();
        (await engine.SystemDockerAsync("tag", "busybox:test", "tagged:two")).Ok();
        var tags = (await engine.SystemDockerAsync("inspect", "-f", "{{json .RepoTags}}", "busybox:test")).Ok().Output;
        Assert.Contains("\"127.0.0.1:5000/team/tagged:latest\"", tags, StringComparison.Ordinal);
        Assert.Contains("\"tagged:two\"", tags, StringComparison.Ordinal);
        Assert.Equal("Untagged: 127.0.0.1:5000/team/tagged:latest\n", (await engine.SystemDockerAsync("rmi", "127.0.0.1:5000/team/tagged")).Ok().Output);

        // An image in use is refused without -f; with it, untagged; a last tag removed deletes the image.
        var id = (await engine.SystemDockerAsync("inspect", "-f", "{{.Id}}", "busybox:test")).Ok().Output.Trim();
        var image = BusyboxImage.Create("deleteme:1", layer => layer.File("etc/deleteme", "its own layer"));
        using (var response = await engine.Engine.LoadAsync(TestImage.Tar(image.DockerSaveFiles())))
        {
            Assert.True(response.IsSuccessStatusCode);
        }
        var deleted = (await engine.SystemDockerAsync("rmi", "deleteme:1")).Ok().Output;
        Assert.StartsWith($"Untagged: deleteme:1\nDeleted: {image.Id}\nDeleted: sha256:", deleted, StringComparison.Ordinal);
        Assert.NotEqual(id, image.Id);
        var missing = await engine.SystemDockerAsync("rmi", "-f", "tagged:two", "deleteme:1");
        Assert.Equal(1, missing.Exit);
        Assert.Equal("Untagged: tagged:two\n", missing.Output);
        Assert.Equal("Error response from daemon: No such image: deleteme:1\n", missing.Error);
    }

    [Fact]
    public async Task Pull_prints_docker_s_progress_lines_and_the_reference()
    {
        await using var registry = await LocalRegistry.StartAsync();
        var name = $"{registry.Host}/team/pulled";
        using (var response = await engine.Engine.LoadAsync(TestImage.Tar(BusyboxImage.Create(name + ":1", layer => layer.File("etc/pulled", "a layer of its own")).DockerSaveFiles())))
        {
            Assert.True(response.IsSuccessStatusCode);
        }
        (await engine.DockerAsync("push", name + ":1")).Ok();
        (await engine.DockerAsync("rmi", name + ":1")).Ok();

        var ours = (await engine.SystemDockerAsync("pull", name + ":1")).Ok().Output;
        (await engine.SystemDockerAsync("rmi", name + ":1")).Ok();
        var docker = (await engine.DockerAsync("pull", name + ":1")).Ok().Output;
        Assert.Equal(docker, ours);
        Assert.StartsWith("1: Pulling from team/pulled\n", ours, StringComparison.Ordinal);
        Assert.Contains(": Pull complete\n", ours, StringComparison.Ordinal);
        Assert.Contains("Digest: sha256:", ours, StringComparison.Ordinal);
        Assert.EndsWith($"Status: Downloaded newer image for {name}:1\n{name}:1\n", ours, StringComparison.Ordinal);
        Assert.DoesNotContain("Downloading", ours, StringComparison.Ordinal);

        // No tag: latest, said first; -q: only the reference.
        (await engine.DockerAsync("tag", name + ":1", name + ":latest")).Ok();
        (await engine.DockerAsync("push", name + ":latest")).Ok();
        (await engine.DockerAsync("rmi", name + ":latest")).Ok();
        (await engine.DockerAsync("rmi", name + ":1")).Ok();
        Assert.Equal($"{name}:latest\n", (await engine.SystemDockerAsync("pull", "-q", name)).Ok().Output);
        var again = (await engine.SystemDockerAsync("pull", name)).Ok().Output;
        Assert.StartsWith("Using default tag: latest\n", again, StringComparison.Ordinal);
        Assert.Equal((await engine.DockerAsync("pull", name)).Ok().Output, again);

        var unknown = await engine.SystemDockerAsync("pull", $"{registry.Host}/team/nothing:1");
        Assert.Equal(1, unknown.Exit);
        Assert.StartsWith("Error response from daemon: ", unknown.Error, StringComparison.Ordinal);
        (await engine.DockerAsync("rmi", name + ":latest")).Ok();
    }
}
