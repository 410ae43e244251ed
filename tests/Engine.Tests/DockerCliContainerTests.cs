using System.Text.Json;

namespace CorralOS.Engine.Tests;

/// <summary>The real docker CLI (28.x) running containers on the engine: run (attached, --rm, -d), ps, logs, stop, rm, inspect, restart.</summary>
public sealed class DockerCliContainerTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<string> DockerOkAsync(params string[] args)
    {
        var (exit, output, error) = await _engine.DockerAsync(args);
        Assert.True(exit == 0, $"docker {string.Join(' ', args)} exited {exit}: {error}");
        return output;
    }

    [Fact]
    public async Task Run_passes_output_and_exit_code_through_and_rm_removes()
    {
        // Attached: the output comes over the hijacked connection, which the CLI half-closes at once (no stdin).
        var (exit, output, error) = await _engine.DockerAsync("run", "--rm", "busybox:test", "sh", "-c", "echo hello from crun; echo oops >&2; exit 3");
        Assert.True(exit == 3, $"exit {exit}: {error}");
        Assert.Equal("hello from crun\n", output);
        Assert.Equal("oops\n", error);
        // --rm: nothing left once the CLI returns.
        Assert.Equal("", await DockerOkAsync("ps", "-aq"));

        // A --rm container's root is a volatile overlay (its changes are thrown away, so never synced); a kept one's is not.
        Assert.Contains("volatile", RootMountOptions(await DockerOkAsync("run", "--rm", "busybox:test", "cat", "/proc/self/mountinfo")), StringComparison.Ordinal);
        Assert.DoesNotContain("volatile", RootMountOptions(await DockerOkAsync("run", "--name", "kept", "busybox:test", "cat", "/proc/self/mountinfo")), StringComparison.Ordinal);
        await DockerOkAsync("rm", "kept");

        (exit, output, error) = await _engine.DockerAsync("run", "--name", "opts", "-e", "A=1", "-w", "/tmp", "-u", "app", "--net", "none", "-l", "k=v", "busybox:test", "sh", "-c", "echo $A $(pwd) $(id -u)");
        Assert.True(exit == 0, error);
        Assert.Equal("1 /tmp 1234\n", output);
        Assert.Equal("1 /tmp 1234\n", await DockerOkAsync("logs", "opts"));
        Assert.Equal("opts\n", await DockerOkAsync("ps", "-a", "--filter", "label=k=v", "--format", "{{.Names}}"));
        Assert.Equal("none\n", await DockerOkAsync("inspect", "--format", "{{.HostConfig.NetworkMode}}", "opts"));
    }

    private const string UnifiedCgroupLine = "while read -r line; do case $line in 0::*) echo \"$line\";; esac; done </proc/self/cgroup";

    [Fact]
    public async Task Containers_get_a_cgroup_namespace_unless_cgroupns_host_or_privileged()
    {
        // In its own namespace a container's cgroup is the root it sees; in the host's, its path under the engine's.
        // (The unified hierarchy's line: a host with cgroup v1 hierarchies mounted lists those too.)
        Assert.Equal("0::/\n", await DockerOkAsync("run", "--rm", "busybox:test", "sh", "-c", UnifiedCgroupLine));
        Assert.Matches("^0::/system-docker/[0-9a-f]{64}\n$", await DockerOkAsync("run", "--rm", "--cgroupns", "host", "busybox:test", "sh", "-c", UnifiedCgroupLine));
        Assert.Matches("^0::/system-docker/[0-9a-f]{64}\n$", await DockerOkAsync("run", "--rm", "--privileged", "busybox:test", "sh", "-c", UnifiedCgroupLine));
        Assert.Equal("0::/\n", await DockerOkAsync("run", "--rm", "--privileged", "--cgroupns", "private", "busybox:test", "sh", "-c", UnifiedCgroupLine));
        // The mode the container got is in inspect, as Docker fills in its default at create.
        await DockerOkAsync("create", "--name", "ns", "busybox:test", "true");
        Assert.Equal("private\n", await DockerOkAsync("inspect", "--format", "{{.HostConfig.CgroupnsMode}}", "ns"));
        await DockerOkAsync("rm", "ns");
    }

    [Fact]
    public async Task Detached_run_ps_logs_inspect_stop_rm()
    {
        var id = (await DockerOkAsync("run", "-d", "--name", "ticker", "busybox:test", "sh", "-c", "echo started; trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done")).Trim();
        Assert.Equal(64, id.Length);
        var ps = await DockerOkAsync("ps", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.Status}}");
        Assert.StartsWith($"{id[..12]} ticker busybox:test Up ", ps, StringComparison.Ordinal);

        var logs = "";
        for (var i = 0; i < 50 && logs.Length == 0; i++)
        {
            logs = await DockerOkAsync("logs", "ticker");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal("started\n", logs);

        var inspected = JsonDocument.Parse(await DockerOkAsync("inspect", "ticker")).RootElement[0];
        Assert.Equal(id, inspected.GetProperty("Id").GetString());
        Assert.True(inspected.GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.Equal("running", await DockerOkAsync("inspect", "--format", "{{.State.Status}}", "ticker") is var s ? s.Trim() : null);

        Assert.Equal("ticker\n", await DockerOkAsync("stop", "-t", "5", "ticker"));
        Assert.Equal("0\n", await DockerOkAsync("inspect", "--format", "{{.State.ExitCode}}", "ticker"));
        Assert.Equal("started\nbye\n", await DockerOkAsync("logs", "ticker"));
        Assert.Equal("bye\n", await DockerOkAsync("logs", "--tail", "1", "ticker"));
        var all = await DockerOkAsync("ps", "-a", "--format", "{{.Names}} {{.Status}}");
        Assert.StartsWith("ticker Exited (0) ", all, StringComparison.Ordinal);

        var (exit, _, error) = await _engine.DockerAsync("run", "-d", "--name", "ticker", "busybox:test", "true");
        Assert.NotEqual(0, exit);
        Assert.Contains("is already in use", error, StringComparison.Ordinal);

        Assert.Equal("ticker\n", await DockerOkAsync("rm", "ticker"));
        Assert.Equal("", await DockerOkAsync("ps", "-aq"));
    }

    [Fact]
    public async Task Rm_force_and_restart()
    {
        await DockerOkAsync("run", "-d", "--name", "sleeper", "busybox:test", "sleep", "1000");
        var (exit, _, error) = await _engine.DockerAsync("rm", "sleeper");
        Assert.NotEqual(0, exit);
        Assert.Contains("cannot remove a running container", error, StringComparison.Ordinal);
        var pid = (await DockerOkAsync("inspect", "--format", "{{.State.Pid}}", "sleeper")).Trim();
        Assert.Equal("sleeper\n", await DockerOkAsync("restart", "-t", "0", "sleeper"));
        Assert.NotEqual(pid, (await DockerOkAsync("inspect", "--format", "{{.State.Pid}}", "sleeper")).Trim());
        Assert.Equal("sleeper\n", await DockerOkAsync("rm", "-f", "sleeper"));
        Assert.Equal("", await DockerOkAsync("ps", "-aq"));
    }

    [Fact]
    public async Task Restart_keeps_an_rm_container_until_its_final_exit()
    {
        // As Docker (moby's HasBeenManuallyRestarted): the exit a restart causes does not remove a --rm container.
        await DockerOkAsync("run", "-d", "--rm", "--name", "keeper", "busybox:test", "sh", "-c", "echo up; touch /kept-in-rootfs; exec sleep 1000");
        var pid = (await DockerOkAsync("inspect", "--format", "{{.State.Pid}}", "keeper")).Trim();
        Assert.Equal("keeper\n", await DockerOkAsync("restart", "-t", "0", "keeper"));
        Assert.Equal("keeper\n", await DockerOkAsync("ps", "--format", "{{.Names}}"));
        Assert.Equal("true", (await DockerOkAsync("inspect", "--format", "{{.State.Running}}", "keeper")).Trim());
        Assert.NotEqual(pid, (await DockerOkAsync("inspect", "--format", "{{.State.Pid}}", "keeper")).Trim());
        // The same container: its rootfs changes are still there.
        Assert.Equal("alive\n", await DockerOkAsync("exec", "keeper", "sh", "-c", "test -e /kept-in-rootfs && echo alive"));
        Assert.Equal("keeper\n", await DockerOkAsync("restart", "-t", "0", "keeper"));
        Assert.Equal("keeper\n", await DockerOkAsync("ps", "--format", "{{.Names}}"));

        // Its final exit removes it (after the stop answered, so the listing is polled).
        Assert.Equal("keeper\n", await DockerOkAsync("stop", "-t", "0", "keeper"));
        var listed = "keeper";
        for (var i = 0; i < 100 && listed.Length > 0; i++)
        {
            listed = await DockerOkAsync("ps", "-aq");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.Equal("", listed);
    }

    [Fact]
    public async Task Rm_containers_an_engine_left_behind_are_removed_at_its_next_start()
    {
        // As Docker's restore: auto-remove containers that are not running when the engine starts go, whether never
        // started or running when the last engine stopped. A kept container stays.
        await DockerOkAsync("create", "--rm", "--name", "never-started", "busybox:test", "true");
        await DockerOkAsync("run", "-d", "--rm", "--name", "was-running", "busybox:test", "sleep", "1000");
        await DockerOkAsync("create", "--name", "kept", "busybox:test", "true");
        Assert.Equal("kept\nnever-started\nwas-running\n", SortedLines(await DockerOkAsync("ps", "-a", "--format", "{{.Names}}")));
        await _engine.RestartAsync();
        Assert.Equal("kept\n", await DockerOkAsync("ps", "-a", "--format", "{{.Names}}"));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_engine.DataRoot, "containers")).Where(d => !Path.GetFileName(d).StartsWith('.')).Skip(1));
        await DockerOkAsync("rm", "kept");
    }

    private static string SortedLines(string text) => string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).Select(l => l + "\n"));

    // The super options of the container's root mount, from its /proc/self/mountinfo.
    private static string RootMountOptions(string mountinfo) =>
        mountinfo.Split('\n').Select(line => line.Split(' ')).Single(fields => fields.Length > 4 && fields[4] == "/")[^1];
}
