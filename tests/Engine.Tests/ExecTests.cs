using System.Text;
using System.Text.Json;
using Docker.DotNet.Models;

namespace CorralOS.Engine.Tests;

/// <summary>Exec through the real docker CLI (plain, with stdin, with a terminal, resized) and Docker.DotNet.</summary>
public sealed class ExecTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await TerminalImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await _engine.DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    private Task<string> RunSleeperAsync(string name) =>
        DockerOkAsync("run", "-d", "--name", name, "-e", "FROM_RUN=run", "busybox:test", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done");

    [Fact]
    public async Task Docker_exec_passes_output_and_exit_code_with_env_workdir_and_user()
    {
        await RunSleeperAsync("box");
        var (exit, output, error) = await _engine.DockerAsync("exec", "box", "sh", "-c", "echo out; echo err >&2; exit 7");
        Assert.True(exit == 7, $"exit {exit}: {error}");
        Assert.Equal("out\n", output);
        Assert.Equal("err\n", error);

        Assert.Equal("run x /tmp 1234\n", await DockerOkAsync("exec", "-e", "EXTRA=x", "-w", "/tmp", "-u", "app", "box", "sh", "-c", "echo $FROM_RUN $EXTRA $(pwd) $(id -u)"));

        (exit, _, error) = await _engine.DockerAsync("exec", "box", "no-such-command");
        Assert.NotEqual(0, exit);
        Assert.Contains("no-such-command", error, StringComparison.Ordinal);

        await DockerOkAsync("stop", "-t", "0", "box");
        (exit, _, error) = await _engine.DockerAsync("exec", "box", "true");
        Assert.NotEqual(0, exit);
        Assert.Contains("is not running", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docker_exec_i_forwards_piped_stdin_until_its_end()
    {
        await RunSleeperAsync("box");
        var (exit, output, error) = await TerminalImage.DockerWithInputAsync(_engine, "line one\nline two\n", "exec", "-i", "box", "sh", "-c", "cat; echo done");
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Equal("line one\nline two\ndone\n", output);
    }

    [Fact]
    public async Task Docker_exec_t_gives_a_terminal_of_the_clients_size()
    {
        await RunSleeperAsync("box");
        // API 1.41 has no ConsoleSize: the CLI sizes the terminal right after the start, so the command waits for that size.
        var (exit, output) = await TerminalImage.DockerOnTerminalAsync(_engine, "exec -t box sh -c 'until [ \"$(stty size 2>/dev/null)\" = \"33 101\" ]; do sleep 0.1; done; tty; stty size; echo $TERM'", rows: 33, columns: 101);
        Assert.True(exit == 0, $"exit {exit}: {output}");
        Assert.Matches(@"^/dev/pts/\d+\n33 101\nxterm\n$", output);

        (exit, output) = await TerminalImage.DockerOnTerminalAsync(_engine, "exec -t box sh -c 'exit 5'");
        Assert.Equal(5, exit);
    }

    [Fact]
    public async Task Exec_inspect_and_resize_through_the_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await RunSleeperAsync("box")).Trim();
        using var client = _engine.DockerDotNet();
        var created = await client.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters
        {
            // Waits for the resize to reach its terminal (Docker.DotNet sends no stdin over its non-upgraded start).
            Cmd = ["sh", "-c", "while [ \"$(stty size 2>/dev/null)\" != '40 120' ]; do sleep 0.1; done; echo resized to $(stty size)"],
            AttachStdout = true,
            AttachStderr = true,
            Tty = true,
        }, ct);
        var before = await _engine.GetJsonAsync($"/v1.41/exec/{created.ID}/json");
        Assert.False(before.GetProperty("Running").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("ExitCode").ValueKind);
        Assert.Equal("sh", before.GetProperty("ProcessConfig").GetProperty("entrypoint").GetString());
        Assert.True(before.GetProperty("ProcessConfig").GetProperty("tty").GetBoolean());
        Assert.Equal(id, before.GetProperty("ContainerID").GetString());

        using var stream = await client.Exec.StartWithConfigContainerExecAsync(created.ID, new ContainerExecStartParameters { Tty = true, AttachStdout = true, AttachStderr = true }, ct);
        // Running, with its pid, while it waits for its line.
        JsonElement running;
        do
        {
            running = await _engine.GetJsonAsync($"/v1.41/exec/{created.ID}/json");
        }
        while (running.GetProperty("Pid").GetInt32() == 0);
        Assert.True(running.GetProperty("Running").GetBoolean());
        Assert.True(Directory.Exists($"/proc/{running.GetProperty("Pid").GetInt32()}"));

        using (var resize = await _engine.Http.PostAsync($"/v1.41/exec/{created.ID}/resize?h=40&w=120", null, ct))
        {
            Assert.True(resize.IsSuccessStatusCode, await resize.Content.ReadAsStringAsync(ct));
        }
        var (stdout, _) = await stream.ReadOutputToEndAsync(ct);
        Assert.Equal("resized to 40 120\r\n", stdout);

        var after = await _engine.GetJsonAsync($"/v1.41/exec/{created.ID}/json");
        Assert.False(after.GetProperty("Running").GetBoolean());
        Assert.Equal(0, after.GetProperty("ExitCode").GetInt32());

        using var again = await _engine.Http.PostAsync($"/v1.41/exec/{created.ID}/start", new StringContent("{}", Encoding.UTF8, "application/json"), ct);
        Assert.Equal(409, (int)again.StatusCode);
        using var unknown = await _engine.Http.GetAsync("/v1.41/exec/nope/json", ct);
        Assert.Equal(404, (int)unknown.StatusCode);
    }

    [Fact]
    public async Task Docker_dotnet_exec_without_a_terminal_and_detached()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await RunSleeperAsync("box")).Trim();
        using var client = _engine.DockerDotNet();
        var created = await client.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "echo to-out; echo to-err >&2; exit 3"],
            AttachStdout = true,
            AttachStderr = true,
        }, ct);
        using (var stream = await client.Exec.StartWithConfigContainerExecAsync(created.ID, new ContainerExecStartParameters { AttachStdout = true, AttachStderr = true }, ct))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);
            Assert.Equal("to-out\n", stdout);
            Assert.Equal("to-err\n", stderr);
        }
        var inspected = await client.Exec.InspectContainerExecAsync(created.ID, ct);
        Assert.Equal(3, inspected.ExitCode);
        Assert.False(inspected.Running);

        Assert.Equal("", await DockerOkAsync("exec", "-d", "box", "touch", "/tmp/detached"));
        string listing;
        do
        {
            listing = await DockerOkAsync("exec", "box", "ls", "/tmp");
        }
        while (!listing.Contains("detached", StringComparison.Ordinal));
    }
}
