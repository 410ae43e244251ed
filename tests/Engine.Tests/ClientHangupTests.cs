using System.Net.Sockets;
using System.Text;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Requests whose client has closed its connection end, while a client that only shut down its writing (the docker
/// CLI's attach) still gets its output (DockerCliContainerTests). The engine's end of a connection is still listed in
/// /proc/net/unix under the socket's path while a request on it runs.
/// </summary>
public sealed class ClientHangupTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
        // The test's own HTTP client keeps an idle connection: gone, so only requests under test hold one.
        _engine.Http.Dispose();
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task The_wait_request_docker_run_d_leaves_behind_ends_once_the_cli_has_exited()
    {
        // `docker run -d` asks to wait for the container's exit before it starts it, then exits without waiting.
        var (exit, _, error) = await _engine.DockerAsync("run", "-d", "--name", "sleeper", "busybox:test", "sleep", "3600");
        Assert.True(exit == 0, error);
        await WaitForNoConnectionsAsync("the wait request of `docker run -d`");
        await _engine.DockerAsync("rm", "-f", "sleeper");
    }

    [Fact]
    public async Task Wait_logs_follow_and_events_end_when_their_client_closes()
    {
        var (exit, _, error) = await _engine.DockerAsync("run", "-d", "--name", "sleeper", "busybox:test", "sh", "-c", "echo up; sleep 3600");
        Assert.True(exit == 0, error);
        await WaitForNoConnectionsAsync("the wait request of `docker run -d`");
        foreach (var request in new[] { "POST /containers/sleeper/wait", "GET /containers/sleeper/logs?stdout=1&follow=1", "GET /events" })
        {
            using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_engine.Socket), Ct);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"{request.Replace(" /", " /v1.41/", StringComparison.Ordinal)} HTTP/1.1\r\nHost: engine\r\n\r\n"), Ct);
                var head = new byte[1024];
                var read = await socket.ReceiveAsync(head, Ct);
                Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(head, 0, read), StringComparison.Ordinal);
                Assert.Equal(1, EngineConnections());
            }
            await WaitForNoConnectionsAsync(request);
        }
        await _engine.DockerAsync("rm", "-f", "sleeper");
    }

    // Ended means the engine closed its end; it checks for hang-ups about every second, so 30 s is plenty.
    private async Task WaitForNoConnectionsAsync(string what)
    {
        for (var waited = 0; EngineConnections() > 0; waited += 100)
        {
            Assert.True(waited < 30_000, $"{what}: the engine kept a closed client's connection ({EngineConnections()} open)");
            await Task.Delay(100, Ct);
        }
    }

    // Sockets under the engine's path, less its listening one.
    private int EngineConnections() =>
        File.ReadLines("/proc/net/unix").Skip(1).Count(line => line.EndsWith(" " + _engine.Socket, StringComparison.Ordinal)) - 1;
}
