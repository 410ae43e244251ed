using CorralOS.Init.Boot;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// PID 1 marks a tried version good once it reached started: the boot's own initrd (dist/, direct kernel boot) with a
/// state disk whose grubenv says GRUB is trying this version (its try used up, as GRUB leaves it before booting it).
/// After the boot, grubenv on the disk names it the default and the old default the previous version; unless one of its
/// health checks failed (a service did not come up): then grubenv stays as it was.
/// </summary>
public sealed class MarkGoodBootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-mark-good-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_tried_version_that_reaches_started_becomes_the_default_in_grubenv()
    {
        var version = RepoPaths.Version;
        var grubenv = await BootTriedAsync("mark-good", null, $"init: CorralOS {version} marked good: it boots by default from now on (0.0.1 is the rollback)");
        Assert.Equal(new BootChoice(version, "0.0.1", null, 0, null), BootChoice.From(GrubEnvironment.Read(grubenv)));
    }

    [Fact]
    public async Task A_tried_version_whose_service_does_not_come_up_fails_its_health_checks_and_stays_a_try()
    {
        // A service whose image no registry gives (no network): it fails, the others start, `started` is printed, and
        // the version is not marked good, so GRUB, whose one try of it is used, boots 0.0.1 next time.
        var version = RepoPaths.Version;
        const string CloudConfig = "#cloud-config\nrancher:\n  services:\n    unhealthy:\n      image: corralos/no-such-image:1\n      labels:\n        io.rancher.os.scope: system\n";
        var grubenv = await BootTriedAsync("mark-unhealthy", CloudConfig,
            $"init: CorralOS {version} not marked good: its health checks failed (service unhealthy: ");
        Assert.Equal(new BootChoice("0.0.1", null, version, 0, null), BootChoice.From(GrubEnvironment.Read(grubenv)));
    }

    /// <summary>Boots this build (with <paramref name="cloudConfig"/> on a config drive) and a state disk whose grubenv has it as the try (used up), waits for <paramref name="expected"/>, powers off; grubenv after.</summary>
    private async Task<string> BootTriedAsync(string name, string? cloudConfig, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        var root = Directory.CreateDirectory(Path.Combine(dir, "root", "boot", "grub")).FullName;
        GrubEnvironment.Write(Path.Combine(root, "grubenv"), new BootChoice("0.0.1", null, RepoPaths.Version, 0, null).ApplyTo([]));
        var disk = Path.Combine(dir, "state.img");
        Tool.Run("mkfs.ext4", ["-F", "-q", "-L", PartitionTable.StateLabel, "-d", Path.Combine(dir, "root"), disk, "256M"]);

        await using (var vm = await QemuVm.StartAsync(new QemuOptions
        {
            Name = name,
            DiskImage = disk,
            ExtraCmdline = "rancher.state.dev=LABEL=RANCHER_STATE rancher.state.wait",
            CloudConfig = cloudConfig,
            Network = false,
        }, ct))
        {
            var started = await vm.WaitForConsoleAsync(new System.Text.RegularExpressions.Regex(@"CorralOS \S+ started"), TimeSpan.FromMinutes(10), cancellationToken: ct);
            await vm.WaitForConsoleAsync(expected, TimeSpan.FromMinutes(1), started.End, ct);
            await vm.WaitForShellAsync(TimeSpan.FromMinutes(5), cancellationToken: ct);
            await vm.SendLineAsync("poweroff", ct);
            Assert.Equal(0, await vm.WaitForExitAsync(TimeSpan.FromMinutes(2), ct));
        }

        var grubenv = Path.Combine(dir, "grubenv.out");
        Tool.Run("debugfs", ["-R", $"dump /boot/grub/grubenv {grubenv}", disk]);
        return grubenv;
    }
}
