using Docker.DotNet;
using Docker.DotNet.Models;

namespace CorralOS.Engine.Tests;

/// <summary>Docker.DotNet as a client: ping, version, load, list, inspect, history, tag, delete.</summary>
public sealed class DockerDotNetTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task The_image_lifecycle_works_through_docker_dotnet()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = _engine.DockerDotNet();
        await client.System.PingAsync(ct);
        var version = await client.System.GetVersionAsync(ct);
        Assert.Equal("1.41", version.APIVersion);

        var image = TestImage.Simple("dotnet/app:1");
        var messages = new List<JSONMessage>();
        await client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, new MemoryStream(TestImage.Tar(image.DockerSaveFiles())), new Progress<JSONMessage>(messages.Add), ct);

        var list = await client.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct);
        Assert.Equal(image.Id, Assert.Single(list).ID);
        Assert.Equal(["dotnet/app:1"], list[0].RepoTags);

        var inspect = await client.Images.InspectImageAsync("dotnet/app:1", ct);
        Assert.Equal(image.Id, inspect.ID);
        Assert.Equal(["sh"], inspect.Config.Cmd);
        Assert.Equal(image.DiffIds, inspect.RootFS.Layers);

        var history = await client.Images.GetImageHistoryAsync("dotnet/app:1", ct);
        Assert.Equal(2, history.Count);

        await client.Images.TagImageAsync("dotnet/app:1", new ImageTagParameters { RepositoryName = "dotnet/other", Tag = "2" }, ct);
        var filtered = await client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { ["dotnet/other"] = true } },
        }, ct);
        Assert.Single(filtered);

        var conflict = await Assert.ThrowsAsync<DockerApiException>(() => client.Images.DeleteImageAsync(image.Id, new ImageDeleteParameters(), ct));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.StatusCode);

        var deleted = await client.Images.DeleteImageAsync(image.Id, new ImageDeleteParameters { Force = true }, ct);
        Assert.Contains(deleted, d => d.ContainsKey("Deleted") && d["Deleted"] == image.Id);

        var missing = await Assert.ThrowsAsync<DockerImageNotFoundException>(() => client.Images.InspectImageAsync("dotnet/app:1", ct));
        Assert.Contains("No such image", missing.ResponseBody, StringComparison.Ordinal);
    }
}
