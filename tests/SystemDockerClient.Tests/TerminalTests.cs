using System.Diagnostics;
using System.Text;

namespace CorralOS.SystemDockerClient.Tests;

/// <summary>
/// -it: `ros system-docker` on a real terminal (util-linux `script` gives it a pty): raw keys to the container's TTY,
/// the terminal's size passed on, the exit code back, and ctrl-p ctrl-q detaching while the container runs on.
/// </summary>
public sealed class TerminalTests(ClientEngine engine) : IClassFixture<ClientEngine>
{
    [Fact]
    public async Task Run_it_passes_keys_size_and_exit_code()
    {
        // The size is read after the first line typed: the client sends it before it forwards any key (the engine may
        // start the process before it applies a size given ahead of the start).
        await using var session = Session.Start(engine, "stty rows 33 cols 111; exec \"$ROS\" system-docker run -it --rm busybox:test sh -c 'read line; busybox stty -a; echo got-$line; exit 5'");
        await session.SendAsync("hello\r");
        Assert.Equal(5, await session.ExitAsync());
        Assert.Contains("rows 33; columns 111;", session.Output, StringComparison.Ordinal);
        Assert.Contains("got-hello", session.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_it_passes_keys_size_and_exit_code()
    {
        (await engine.SystemDockerAsync("run", "-d", "--name", "exec-tty", "busybox:test", "sleep", "600")).Ok();
        // The size is read after the first exchange: crun 1.8 sets an exec's consoleSize just after it lets the process
        // run, so a command that reads its size at its very start can still see 0x0.
        await using var session = Session.Start(engine, "stty rows 20 cols 70; exec \"$ROS\" system-docker exec -it exec-tty sh -c 'echo ready; read line; busybox stty -a; echo got-$line; exit 6'");
        await session.WaitForOutputAsync("ready");
        await session.SendAsync("typed\r");
        await session.WaitForOutputAsync("rows 20; columns 70;");
        Assert.Equal(6, await session.ExitAsync());
        Assert.Contains("got-typed", session.Output, StringComparison.Ordinal);
        (await engine.SystemDockerAsync("rm", "-f", "exec-tty")).Ok();
    }

    [Fact]
    public async Task Ctrl_p_ctrl_q_detaches_and_the_container_runs_on()
    {
        await using var session = Session.Start(engine, "exec \"$ROS\" system-docker run -it --name detached busybox:test sh");
        await session.SendAsync("echo mark-$((40+2))\r");
        await session.WaitForOutputAsync("mark-42");
        await session.SendAsync("\x10\x11");
        Assert.Equal(0, await session.ExitAsync());
        Assert.Equal("running\n", (await engine.SystemDockerAsync("inspect", "-f", "{{.State.Status}}", "detached")).Ok().Output);
        (await engine.SystemDockerAsync("rm", "-f", "detached")).Ok();
    }

    // `script -qefc COMMAND /dev/null`: the command on a new pty, this process writing its keys and reading its screen.
    private sealed class Session : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Task _reading;

        private Session(Process process)
        {
            _process = process;
            _reading = Task.Run(async () =>
            {
                var buffer = new byte[4096];
                int read;
                while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
                {
                    lock (_output)
                    {
                        _output.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    }
                }
            });
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static Session Start(ClientEngine engine, string command)
        {
            var info = new ProcessStartInfo("/usr/bin/script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-q", "-e", "-f", "-c", command, "/dev/null" })
            {
                info.ArgumentList.Add(arg);
            }
            info.Environment["SYSTEM_DOCKER_HOST"] = engine.Host;
            info.Environment["ROS"] = ClientEngine.Ros;
            info.Environment["PATH"] = ClientEngine.NoDockerPath;
            info.Environment["TERM"] = "dumb";
            return new Session(Process.Start(info)!);
        }

        public async Task SendAsync(string keys)
        {
            await _process.StandardInput.BaseStream.WriteAsync(Encoding.ASCII.GetBytes(keys), TestContext.Current.CancellationToken);
            await _process.StandardInput.BaseStream.FlushAsync(TestContext.Current.CancellationToken);
        }

        public async Task WaitForOutputAsync(string text)
        {
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                Assert.False(_process.HasExited, $"the session ended before printing {text}: {Output}");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        public async Task<int> ExitAsync()
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
            await _reading;
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
