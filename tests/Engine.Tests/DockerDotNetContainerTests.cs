using Docker.DotNet.Models;

namespace CorralOS.Engine.Tests;

/// <summary>Docker.DotNet as a client for containers: create, start, wait, logs, inspect, list, remove.</summary>
public sealed class DockerDotNetContainerTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task A_container_lifecycle_through_docker_dotnet()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = _engine.DockerDotNet();
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = "busybox:test",
            Name = "dotnet-app",
            Cmd = ["sh", "-c", "echo from-dotnet; exit 4"],
            Labels = new Dictionary<string, string> { ["role"] = "test" },
        }, ct);
        Assert.True(await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct));
        var wait = await client.Containers.WaitContainerAsync(created.ID, ct);
        Assert.Equal(4, wait.StatusCode);

        var inspect = await client.Containers.InspectContainerAsync("dotnet-app", ct);
        Assert.Equal("exited", inspect.State.Status);
        Assert.Equal(4, inspect.State.ExitCode);
        Assert.Equal("/dotnet-app", inspect.Name);

        using var logs = await client.Containers.GetContainerLogsAsync(created.ID, tty: false, new ContainerLogsParameters { ShowStdout = true }, ct);
        var (stdout, _) = await logs.ReadOutputToEndAsync(ct);
        Assert.Equal("from-dotnet\n", stdout);

        var list = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["role=test"] = true } } }, ct);
        Assert.Equal(created.ID, Assert.Single(list).ID);

        await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters(), ct);
        Assert.Empty(await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct));
    }
}
