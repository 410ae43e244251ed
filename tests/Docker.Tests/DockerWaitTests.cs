using CorralOS.Engine.Api;
using CorralOS.Engine.Client;
using Microsoft.Extensions.Logging;

namespace CorralOS.Docker.Tests;

public sealed class DockerWaitTests
{
    [Fact]
    public async Task ReturnsOnceAnEngineStartsAnsweringOnTheSocket()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-wait-").FullName;
        try
        {
            var socket = Path.Combine(dir, "docker.sock");
            var waiting = EngineWait.WaitAsync("unix://" + socket, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.False(waiting.IsCompleted);
            await using var engine = await EngineServer.StartAsync(new EngineOptions
            {
                SocketPath = socket,
                DataRoot = Path.Combine(dir, "data"),
                ExecRoot = Path.Combine(dir, "exec"),
                LogLevel = LogLevel.Warning,
                Version = "0.0.0-test",
            }, TestContext.Current.CancellationToken);
            await waiting;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task GivesUpWithOneLineWhenNothingAnswers()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"corralos-none-{Guid.NewGuid():N}.sock");
        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            EngineWait.WaitAsync("unix://" + socket, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
        Assert.StartsWith($"docker did not answer at unix://{socket} within 1 s: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
