using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Detach keys on a TTY: ctrl-p ctrl-q by default, `detachKeys` on attach and exec start, `DetachKeys` of an exec. The
/// engine ends the hijacked connection and the process runs on. Raw connections prove the engine's side (the docker
/// CLI also watches for the keys itself); the CLI on a terminal shows the whole story.
/// </summary>
public sealed class DetachKeysTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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

    // A shell on a terminal that answers each line it reads, never echoing (so only its answers show).
    private Task<string> RunShellAsync(string name) =>
        DockerOkAsync("run", "-d", "-it", "--name", name, "busybox:test", "sh", "-c", "stty -echo; while read line; do echo \"got $line\"; done");

    private async Task<bool> RunningAsync(string name) =>
        (await _engine.GetJsonAsync($"/v1.41/containers/{name}/json")).GetProperty("State").GetProperty("Running").GetBoolean();

    [Fact]
    public async Task Ctrl_p_ctrl_q_detaches_an_attach_and_the_container_runs_on()
    {
        await RunShellAsync("shell");
        await using (var connection = await RawConnection.OpenAsync(_engine, "POST /v1.41/containers/shell/attach?stream=1&stdin=1&stdout=1", ""))
        {
            await connection.SendAsync("one\n");
            await connection.WaitForAsync("got one");
            await connection.SendAsync("\u0010\u0011");
            await connection.WaitForEndAsync();
        }
        Assert.True(await RunningAsync("shell"));
        var events = await DockerOkAsync("events", "--since", "0", "--until", DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "--filter", "event=detach", "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        Assert.Equal("detach shell\n", events);

        // Attached again: the shell is the same one and still answers.
        await using var again = await RawConnection.OpenAsync(_engine, "POST /v1.41/containers/shell/attach?stream=1&stdin=1&stdout=1", "");
        await again.SendAsync("two\n");
        await again.WaitForAsync("got two");
    }

    [Fact]
    public async Task Custom_detach_keys_replace_the_default_and_a_partial_sequence_is_input()
    {
        await RunShellAsync("shell");
        await using (var connection = await RawConnection.OpenAsync(_engine, "POST /v1.41/containers/shell/attach?stream=1&stdin=1&stdout=1&detachKeys=ctrl-x,x", ""))
        {
            // ctrl-p alone is input now (ctrl-q would be the terminal's XON), and ctrl-x followed by another key is passed on whole.
            await connection.SendAsync("a\u0010b\u0018yc\n");
            await connection.WaitForAsync("got a\u0010b\u0018yc");
            await connection.SendAsync("\u0018x");
            await connection.WaitForEndAsync();
        }
        Assert.True(await RunningAsync("shell"));

        using var bad = await _engine.Http.PostAsync("/v1.41/containers/shell/attach?stream=1&stdin=1&stdout=1&detachKeys=ctrl-1", null, Ct);
        Assert.Contains("Invalid detach keys (ctrl-1)", await TestEngine.ErrorMessageAsync(bad, 400), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_start_detaches_with_its_own_keys_and_the_process_runs_on()
    {
        await RunShellAsync("box");
        foreach (var (createKeys, query, sequence) in new[] { ("", "?detachKeys=ctrl-a", "\u0001"), ("ctrl-e,e", "", "\u0005e"), ("", "", "\u0010\u0011") })
        {
            var body = $"{{\"Cmd\":[\"sh\",\"-c\",\"stty -echo; echo ready; while read line; do echo \\\"got $line\\\"; done\"],\"AttachStdin\":true,\"AttachStdout\":true,\"Tty\":true,\"DetachKeys\":\"{createKeys}\"}}";
            using var created = await _engine.Http.PostAsync("/v1.41/containers/box/exec", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
            var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("Id").GetString();
            await using (var connection = await RawConnection.OpenAsync(_engine, $"POST /v1.41/exec/{id}/start{query}", "{\"Tty\":true}"))
            {
                await connection.WaitForAsync("ready");
                await connection.SendAsync("x\n");
                await connection.WaitForAsync("got x");
                await connection.SendAsync(sequence);
                await connection.WaitForEndAsync();
            }
            var inspect = await _engine.GetJsonAsync($"/v1.41/exec/{id}/json");
            Assert.True(inspect.GetProperty("Running").GetBoolean(), $"the exec stopped after detaching with {query}{createKeys}");
            var pid = inspect.GetProperty("Pid").GetInt32();
            Assert.True(pid > 0 && Directory.Exists($"/proc/{pid}"), $"the exec's Pid {pid} is not a running process after detaching with {query}{createKeys}: {inspect}");
        }

        using var bad = await _engine.Http.PostAsync("/v1.41/containers/box/exec", new StringContent("{\"Cmd\":[\"true\"],\"DetachKeys\":\"ctrl-é\"}", Encoding.UTF8, "application/json"), Ct);
        Assert.Contains("Invalid detach keys", await TestEngine.ErrorMessageAsync(bad, 400), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docker_run_it_detaches_with_ctrl_p_ctrl_q_and_docker_attach_with_detach_keys()
    {
        var (exit, output) = await OnTerminalAsync("run -it --name cli busybox:test sh -c 'echo ready; while true; do echo tick; sleep 0.5; done'", "ready", "\u0010\u0011");
        Assert.True(exit == 0, $"exit {exit}: {output}");
        Assert.True(await RunningAsync("cli"));

        // docker attach tells a detach as Docker's CLI does: the line and status 1.
        (exit, output) = await OnTerminalAsync("attach --detach-keys ctrl-x,y cli", "tick", "\u0018y");
        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Contains("read escape sequence", output, StringComparison.Ordinal);
        Assert.True(await RunningAsync("cli"));
    }

    // The docker CLI on a terminal of its own (script); once `ready` shows (the CLI has its terminal raw then), the keys are typed.
    private async Task<(int Exit, string Output)> OnTerminalAsync(string dockerArgs, string ready, string keys)
    {
        var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-qec");
        info.ArgumentList.Add($"exec docker -H unix://{_engine.Socket} {dockerArgs}");
        info.ArgumentList.Add("/dev/null");
        info.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "corralos-docker-config");
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync(Ct);
        var output = new StringBuilder();
        var buffer = new char[1024];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (!output.ToString().Contains(ready, StringComparison.Ordinal))
            {
                var n = await process.StandardOutput.ReadAsync(buffer, timeout.Token);
                Assert.True(n > 0, $"the CLI ended before '{ready}': {output}");
                output.Append(buffer, 0, n);
            }
            await process.StandardInput.WriteAsync(keys);
            await process.StandardInput.FlushAsync(timeout.Token);
            output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"docker {dockerArgs} did not detach: {output}");
        }
        process.StandardInput.Close();
        return (process.ExitCode, output + await error);
    }

    /// <summary>A hijacked request over a raw socket: the 101 head read, then input sent and output read as text.</summary>
    private sealed class RawConnection : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly StringBuilder _received = new();

        private RawConnection(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        public static async Task<RawConnection> OpenAsync(TestEngine engine, string requestLine, string body)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(engine.Socket), Ct);
            var connection = new RawConnection(socket);
            var head = $"{requestLine} HTTP/1.1\r\nHost: engine\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
            await connection._stream.WriteAsync(Encoding.UTF8.GetBytes(head), Ct);
            await connection.WaitForAsync("\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 101 ", connection._received.ToString(), StringComparison.Ordinal);
            return connection;
        }

        public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), Ct);

        public async Task WaitForAsync(string text)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var buffer = new byte[4096];
            while (!_received.ToString().Contains(text, StringComparison.Ordinal))
            {
                var n = await _stream.ReadAsync(buffer, timeout.Token);
                Assert.True(n > 0, $"the connection ended before '{text}': {_received}");
                _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }

        /// <summary>The engine closes the connection (reads reach the end), within 30 s.</summary>
        public async Task WaitForEndAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = await _stream.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    _received.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"the engine kept the connection open after the detach keys: {_received}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _socket.Dispose();
        }
    }
}
