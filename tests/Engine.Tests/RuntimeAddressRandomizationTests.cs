using CorralOS.Linux;

namespace CorralOS.Engine.Tests;

/// <summary>
/// On an emulated CPU crun runs without address space randomization (OciRuntime.RandomizeAddresses), so QEMU's TCG
/// reuses its translated code from one container start to the next; the container's own processes get it back.
/// </summary>
public sealed class RuntimeAddressRandomizationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Crun_runs_as_configured_and_the_container_always_randomizes(bool randomizeRuntime)
    {
        await using var engine = await TestEngine.StartAsync(runtimeAddressRandomization: randomizeRuntime);
        await BusyboxImage.LoadAsync(engine);
        var (exit, output, error) = await engine.DockerAsync("run", "-d", "busybox:test", "sleep", "600");
        Assert.True(exit == 0, error);
        var id = output.Trim();
        try
        {
            var crunRun = Assert.Single(ProcFacts.Processes("cmdline")
                .Where(p => p.Text.Split('\0').Contains("run") && p.Text.Split('\0').Contains(id))
                .Select(p => p.Pid));
            var (_, pid, _) = await engine.DockerAsync("inspect", "-f", "{{.State.Pid}}", id);
            var crun = ProcFacts.PersonalityOf(crunRun) & AddressRandomization.ADDR_NO_RANDOMIZE;
            Assert.Equal(randomizeRuntime ? 0u : AddressRandomization.ADDR_NO_RANDOMIZE, crun);
            Assert.Equal(0u, ProcFacts.PersonalityOf(int.Parse(pid.Trim(), System.Globalization.CultureInfo.InvariantCulture)) & AddressRandomization.ADDR_NO_RANDOMIZE);
        }
        finally
        {
            await engine.DockerAsync("rm", "-f", id);
        }
    }
}
