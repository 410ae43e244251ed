namespace CorralOS.Engine.Tests;

/// <summary>`docker run -i` and `docker run -it`: stdin reaches the container, a TTY inside of the client's size, exit codes.</summary>
public sealed class AttachTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await TerminalImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task Docker_run_i_forwards_piped_stdin_and_closes_it_at_its_end()
    {
        var (exit, output, error) = await TerminalImage.DockerWithInputAsync(_engine, "first\nsecond\n", "run", "--rm", "-i", "busybox:test", "sh", "-c", "cat; echo end; exit 4");
        Assert.True(exit == 4, $"exit {exit}: {error}");
        Assert.Equal("first\nsecond\nend\n", output);
    }

    [Fact]
    public async Task Docker_run_it_gives_a_terminal_with_input_and_the_clients_size()
    {
        // API 1.41 has no ConsoleSize: the CLI sizes the terminal right after the start, so the command waits for that size.
        var (exit, output) = await TerminalImage.DockerOnTerminalAsync(_engine,
            "run --rm -it busybox:test sh -c 'until [ \"$(stty size 2>/dev/null)\" = \"31 97\" ]; do sleep 0.1; done; read line; echo got $line; tty; stty size; exit 6'",
            rows: 31, columns: 97, input: "hello\n");
        Assert.True(exit == 6, $"exit {exit}: {output}");
        Assert.Matches(@"got hello\n/dev/pts/\d+\n31 97\n$", output);
    }

    [Fact]
    public async Task Resizing_a_running_containers_terminal_changes_stty_size()
    {
        var ct = TestContext.Current.CancellationToken;
        var (exit, id, error) = await _engine.DockerAsync("run", "-d", "-t", "busybox:test", "sh", "-c", "while [ \"$(stty size 2>/dev/null)\" != '50 150' ]; do sleep 0.1; done; echo resized");
        Assert.True(exit == 0, error);
        id = id.Trim();
        using (var resize = await _engine.Http.PostAsync($"/v1.41/containers/{id}/resize?h=50&w=150", null, ct))
        {
            Assert.True(resize.IsSuccessStatusCode, await resize.Content.ReadAsStringAsync(ct));
        }
        (exit, var code, error) = await _engine.DockerAsync("wait", id);
        Assert.True(exit == 0, error);
        Assert.Equal("0\n", code);
        var (_, logs, _) = await _engine.DockerAsync("logs", id);
        Assert.Equal("resized\r\n", logs);
    }
}
