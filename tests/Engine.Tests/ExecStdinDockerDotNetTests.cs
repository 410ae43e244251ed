using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace CorralOS.Engine.Tests;

/// <summary>Exec with stdin through Docker.DotNet's hijacked stream: what is written reaches the process, CloseWrite ends its input.</summary>
public sealed class ExecStdinDockerDotNetTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await TerminalImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> RunSleeperAsync()
    {
        var (exit, id, error) = await _engine.DockerAsync("run", "-d", "busybox:test", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done");
        Assert.True(exit == 0, error);
        return id.Trim();
    }

    [Fact]
    public async Task Cat_echoes_what_is_written_and_exits_after_close_write()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await RunSleeperAsync();
        using var client = _engine.DockerDotNet();
        var created = await client.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "cat; echo closed >&2; exit 5"],
            AttachStdin = true,
            AttachStdout = true,
            AttachStderr = true,
        }, ct);
        using var stream = await client.Exec.StartAndAttachContainerExecAsync(created.ID, tty: false, ct);
        var first = Encoding.ASCII.GetBytes("first line\n");
        await stream.WriteAsync(first, 0, first.Length, ct);
        // The process answers while its input is still open: the line came through the live connection.
        var buffer = new byte[256];
        var echoed = new StringBuilder();
        while (echoed.ToString() != "first line\n")
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
            Assert.False(read.EOF, $"output ended after '{echoed}'");
            Assert.Equal(MultiplexedStream.TargetStream.StandardOut, read.Target);
            echoed.Append(Encoding.ASCII.GetString(buffer, 0, read.Count));
        }
        var second = Encoding.ASCII.GetBytes("second line\n");
        await stream.WriteAsync(second, 0, second.Length, ct);
        stream.CloseWrite();
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct);
        Assert.Equal("second line\n", stdout);
        Assert.Equal("closed\n", stderr);
        var inspected = await client.Exec.InspectContainerExecAsync(created.ID, ct);
        Assert.Equal(5, inspected.ExitCode);
    }

    [Fact]
    public async Task With_a_terminal_the_input_reaches_the_process_too()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = await RunSleeperAsync();
        using var client = _engine.DockerDotNet();
        var created = await client.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", "stty -echo; echo ready; read line; echo got $line"],
            AttachStdin = true,
            AttachStdout = true,
            Tty = true,
        }, ct);
        using var stream = await client.Exec.StartAndAttachContainerExecAsync(created.ID, tty: true, ct);
        var buffer = new byte[256];
        var output = new StringBuilder();
        while (!output.ToString().Contains("ready", StringComparison.Ordinal))
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
            Assert.False(read.EOF, $"output ended after '{output}'");
            output.Append(Encoding.ASCII.GetString(buffer, 0, read.Count));
        }
        var line = Encoding.ASCII.GetBytes("typed\r");
        await stream.WriteAsync(line, 0, line.Length, ct);
        var (rest, _) = await stream.ReadOutputToEndAsync(ct);
        Assert.Contains("got typed", output + rest, StringComparison.Ordinal);
    }
}
