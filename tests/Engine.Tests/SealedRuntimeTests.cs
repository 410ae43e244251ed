using CorralOS.Linux;

namespace CorralOS.Engine.Tests;

/// <summary>
/// crun is started from a sealed in-memory copy (<see cref="SealedExecutable"/>), which it accepts as its own
/// CVE-2019-5736 clone: the `crun run` of a container runs from that copy, not from one it made by executing itself
/// again.
/// </summary>
public sealed class SealedRuntimeTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync()
    {
        _engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(_engine);
    }

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task Crun_runs_a_container_from_the_sealed_copy_without_executing_itself_again()
    {
        var marker = Random.Shared.Next(1_000_000, 9_000_000);
        var (exit, output, error) = await _engine.DockerAsync("run", "-d", "busybox:test", "sleep", marker.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, error);
        var id = output.Trim();
        try
        {
            var crunRun = ProcFacts.Processes("cmdline")
                .Where(p => p.Text.Split('\0').Contains("run") && p.Text.Split('\0').Contains(id))
                .Select(p => p.Pid).ToList();
            var pid = Assert.Single(crunRun);
            // crun's own clones read "/" (a detached read-only bind mount) or "/memfd:crun_cloned:/proc/self/exe (deleted)".
            Assert.Equal("/memfd:crun (deleted)", new FileInfo($"/proc/{pid}/exe").LinkTarget);
        }
        finally
        {
            await _engine.DockerAsync("rm", "-f", id);
        }
    }
}
