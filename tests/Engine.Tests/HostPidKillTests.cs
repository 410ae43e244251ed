namespace CorralOS.Engine.Tests;

/// <summary>
/// A running container in the host's PID namespace (`--pid host`) whose init has a child: the init's death does not end
/// the child, and crun run waits for it. Force removal and SIGKILL must end every process of the container, as stop
/// does, instead of waiting for ever. The test's own wait is bounded so a hang fails it.
/// </summary>
public sealed class HostPidKillTests : IAsyncLifetime
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public Task Force_remove_ends_every_process_of_a_host_pid_container() =>
        EndsEveryProcessAsync(id => _engine.Http.DeleteAsync($"/v1.41/containers/{id}?force=1", Bounded()), 204);

    [Fact]
    public Task Sigkill_ends_every_process_of_a_host_pid_container() =>
        EndsEveryProcessAsync(id => _engine.Http.PostAsync($"/v1.41/containers/{id}/kill?signal=SIGKILL", null, Bounded()), 204);

    private static CancellationToken Bounded()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(s_bound);
        return source.Token;
    }

    private async Task EndsEveryProcessAsync(Func<string, Task<HttpResponseMessage>> request, int status)
    {
        // Two sleeps with durations no other process uses: the init's child and the init (or its last command).
        var marker = Random.Shared.Next(1_000_000, 9_000_000);
        var (exit, output, error) = await _engine.DockerAsync("run", "-d", "--pid", "host", "busybox:test", "sh", "-c", $"sleep {marker} & sleep {marker + 1}");
        Assert.True(exit == 0, error);
        var id = output.Trim();
        List<int> sleeps = [];
        for (var attempt = 0; attempt < 100 && sleeps.Count < 2; attempt++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            sleeps = Sleeps(marker);
        }
        Assert.Equal(2, sleeps.Count);
        try
        {
            HttpResponseMessage response;
            try
            {
                response = await request(id);
            }
            catch (TaskCanceledException)
            {
                Assert.Fail($"the request did not answer within {s_bound.TotalSeconds} s");
                throw;
            }
            using (response)
            {
                Assert.Equal(status, (int)response.StatusCode);
            }
            Assert.Empty(Sleeps(marker));
        }
        finally
        {
            foreach (var pid in Sleeps(marker))
            {
                Linux.Processes.Kill(pid, Linux.Signals.SIGKILL);
            }
        }
    }

    /// <summary>The pids of `sleep N` and `sleep N+1` on the host.</summary>
    private static List<int> Sleeps(int marker)
    {
        string[] wanted = [$"sleep\0{marker}\0", $"sleep\0{marker + 1}\0"];
        return [.. ProcFacts.Processes("cmdline").Where(p => wanted.Contains(p.Text, StringComparer.Ordinal)).Select(p => p.Pid)];
    }
}
