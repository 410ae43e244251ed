using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Engine.Tests;

/// <summary>
/// Memory, CPU and pids limits through cgroup v2, proven where the kernel enforces them: this host's controllers are
/// bound to cgroup v1 hierarchies, so the engine (dist/ros system-dockerd, from a 9p share) runs in a CorralOS VM
/// (dist/vmlinuz + dist/initrd, unified cgroup v2, the initrd's crun), driven by the real docker CLI from the share.
/// Rlimits and the OOM score need no controller and are checked on the host.
/// </summary>
public sealed class ResourceLimitTests : IAsyncLifetime
{
    private const string Docker = "/mnt/share/docker -H unix:///tmp/limits.sock";

    private readonly string _share = Directory.CreateTempSubdirectory("corralos-limits-").FullName;
    private QemuVm? _vm;
    private TestEngine? _engine;

    private QemuVm Vm => _vm ?? throw new InvalidOperationException("the VM did not start");

    public async ValueTask InitializeAsync()
    {
        File.Copy(RepoPaths.RequireFile(RepoPaths.Ros), Path.Combine(_share, "ros"));
        File.Copy(Which("docker"), Path.Combine(_share, "docker"));
        await File.WriteAllBytesAsync(Path.Combine(_share, "busybox.tar"), TestImage.Tar(BusyboxImage.Create("busybox:test").DockerSaveFiles()), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_vm is not null)
        {
            await _vm.DisposeAsync();
        }
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        Directory.Delete(_share, recursive: true);
    }

    private async Task<string> GuestAsync(string command, int expectedExit = 0)
    {
        var result = await Vm.RunAsync(command, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == expectedExit, $"`{command}` exited {result.ExitCode}: {result.Output}");
        return result.Output.TrimEnd('\n');
    }

    [Fact]
    public async Task Memory_cpu_and_pids_limits_reach_the_containers_cgroup_and_memory_max_oom_kills()
    {
        var ct = TestContext.Current.CancellationToken;
        _vm = await QemuVm.StartAsync(new QemuOptions
        {
            Name = "limits",
            Network = false,
            ExtraArgs = ["-virtfs", $"local,path={_share},mount_tag=share,security_model=none,readonly=on"],
        }, ct);
        await Vm.WaitForConsoleAsync(new Regex("init: boot phases done"), TimeSpan.FromMinutes(5), cancellationToken: ct);
        await Vm.WaitForShellAsync(TimeSpan.FromMinutes(2), cancellationToken: ct);
        await GuestAsync("modprobe 9pnet_virtio; mkdir -p /mnt/share && mount -t 9p -o trans=virtio,version=9p2000.L share /mnt/share");
        Assert.Contains("memory", await GuestAsync("cat /sys/fs/cgroup/cgroup.controllers"), StringComparison.Ordinal);
        await GuestAsync("/mnt/share/ros system-dockerd --host unix:///tmp/limits.sock --data-root /tmp/limits-data --exec-root /tmp/limits-exec --log-file /tmp/limits.log &"
            + " i=0; while [ ! -e /tmp/limits-exec/system-dockerd.pid ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; cat /tmp/limits-exec/system-dockerd.pid");
        await GuestAsync($"{Docker} load -i /mnt/share/busybox.tar");

        // Read inside the container, in its own cgroup (the path /proc/self/cgroup names, under its cgroup2 mount).
        var values = await GuestAsync($"{Docker} run --rm -m 64m --cpus 0.5 --cpu-shares 512 --pids-limit 50 busybox:test sh -c "
            + "'p=$(cat /proc/self/cgroup); d=/sys/fs/cgroup${p#0::}; for f in memory.max cpu.max cpu.weight pids.max; do echo $f=$(cat $d/$f); done'");
        // cpu.weight from shares as crun (and runc) convert it: 1 + (512 - 2) * 9999 / 262142.
        Assert.Equal("memory.max=67108864\ncpu.max=50000 100000\ncpu.weight=20\npids.max=50", values);

        // --cpu-quota/--cpu-period and no limit at all.
        Assert.Equal("25000 50000", await GuestAsync($"{Docker} run --rm --cpu-quota 25000 --cpu-period 50000 busybox:test sh -c 'p=$(cat /proc/self/cgroup); cat /sys/fs/cgroup${{p#0::}}/cpu.max'"));
        Assert.Equal("max", await GuestAsync($"{Docker} run --rm busybox:test sh -c 'p=$(cat /proc/self/cgroup); cat /sys/fs/cgroup${{p#0::}}/memory.max'"));

        // A process that allocates past memory.max is killed by the kernel: 137, State.OOMKilled, an oom event.
        await GuestAsync($"{Docker} run --name hog -m 32m busybox:test sh -c 'x=12345678; while true; do x=$x$x; done'", expectedExit: 137);
        Assert.Equal("true 137", await GuestAsync($"{Docker} inspect -f '{{{{.State.OOMKilled}}}} {{{{.State.ExitCode}}}}' hog"));
        Assert.Contains("oom hog", await GuestAsync($"{Docker} events --since 0 --until $(date +%s) --filter event=oom --format '{{{{.Action}}}} {{{{.Actor.Attributes.name}}}}'"), StringComparison.Ordinal);

        // A SIGKILL that is not the OOM killer's is not one.
        await GuestAsync($"{Docker} run -d --name sleeper -m 32m busybox:test sleep 100");
        await GuestAsync($"{Docker} kill sleeper; {Docker} wait sleeper");
        Assert.Equal("false 137", await GuestAsync($"{Docker} inspect -f '{{{{.State.OOMKilled}}}} {{{{.State.ExitCode}}}}' sleeper"));

        // The pids limit holds: a sixth process cannot be forked.
        var fork = await GuestAsync($"{Docker} run --rm --pids-limit 5 busybox:test sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait' 2>&1; echo exit=$?");
        Assert.Contains("can't fork", fork, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ulimits_and_the_oom_score_reach_the_container_process()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
        var (exit, output, error) = await _engine.DockerAsync("run", "--rm", "--ulimit", "nofile=123:456", "--ulimit", "nproc=77", "--oom-score-adj", "321",
            "busybox:test", "sh", "-c", "echo $(ulimit -Sn) $(ulimit -Hn) $(ulimit -u) $(cat /proc/self/oom_score_adj)");
        Assert.True(exit == 0, error);
        Assert.Equal("123 456 77 321\n", output);
    }

    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"no {name} on PATH");
}
