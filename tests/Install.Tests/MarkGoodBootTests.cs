using CorralOS.Init.Boot;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// PID 1 marks a tried version good once it reached started: the boot's own initrd (dist/, direct kernel boot) with a
/// state disk whose grubenv says GRUB is trying this version (its try used up, as GRUB leaves it before booting it).
/// After the boot, grubenv on the disk names it the default and the old default the previous version; unless one of its
/// health checks failed (a service did not come up) or it did not reach started in rancher.upgrade.try_timeout: then
/// PID 1 reboots and grubenv stays as it was, for GRUB to boot the default.
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
    public async Task A_tried_version_whose_service_does_not_come_up_fails_its_health_checks_and_reboots_into_the_default()
    {
        // A service whose image no registry gives (no network): it fails, the others start, `started` is printed, and
        // the version is not marked good: PID 1 reboots, and GRUB, whose one try of it is used, boots 0.0.1.
        var version = RepoPaths.Version;
        const string CloudConfig = "#cloud-config\nrancher:\n  services:\n    unhealthy:\n      image: corralos/no-such-image:1\n      labels:\n        io.rancher.os.scope: system\n";
        var grubenv = await BootTriedAsync("mark-unhealthy", CloudConfig,
            $"init: CorralOS {version} not marked good: its health checks failed (service unhealthy: ", rollsBack: true);
        Assert.Equal(new BootChoice("0.0.1", null, version, 0, null), BootChoice.From(GrubEnvironment.Read(grubenv)));
    }

    [Fact]
    public async Task A_tried_version_that_does_not_reach_started_in_its_try_timeout_reboots_into_the_default()
    {
        // A system service the services step waits for (detach: false) that sleeps for 10 min: the boot hangs before
        // started, whatever the host's speed, and rancher.upgrade.try_timeout (5 s) is over first. PID 1 reboots, and
        // grubenv keeps the used try for GRUB to abandon.
        var version = RepoPaths.Version;
        var cloudConfig = "#cloud-config\nrancher:\n  upgrade:\n    try_timeout: 5\n  services:\n    hang:\n" +
            $"      image: corralos/os-base:{version}\n      command: [sleep, '600']\n" +
            "      labels:\n        io.rancher.os.scope: system\n        io.rancher.os.detach: 'false'\n";
        var grubenv = await BootTriedAsync("try-timeout", cloudConfig,
            $"init: CorralOS {version} is being tried and did not reach started with its health checks passed within 5 s (rancher.upgrade.try_timeout): rebooting, 0.0.1 boots",
            rollsBack: true);
        Assert.Equal(new BootChoice("0.0.1", null, version, 0, null), BootChoice.From(GrubEnvironment.Read(grubenv)));
    }

    /// <summary>
    /// Boots this build (with <paramref name="cloudConfig"/> on a config drive) and a state disk whose grubenv has it as
    /// the try (used up), waits for <paramref name="expected"/>, then for PID 1's own reboot when it
    /// <paramref name="rollsBack"/> (QEMU runs with -no-reboot), else powers off; grubenv after.
    /// </summary>
    private async Task<string> BootTriedAsync(string name, string? cloudConfig, string expected, bool rollsBack = false)
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
            var said = await vm.WaitForConsoleAsync(expected, TimeSpan.FromMinutes(10), cancellationToken: ct);
            if (rollsBack)
            {
                await vm.WaitForConsoleAsync("init: shutting down (reboot)", TimeSpan.FromMinutes(1), said.End, ct);
                await vm.WaitForConsoleAsync("reboot: Restarting system", TimeSpan.FromMinutes(2), said.End, ct);
            }
            else
            {
                await vm.WaitForShellAsync(TimeSpan.FromMinutes(5), cancellationToken: ct);
                await vm.SendLineAsync("poweroff", ct);
            }
            Assert.Equal(0, await vm.WaitForExitAsync(TimeSpan.FromMinutes(2), ct));
        }

        var grubenv = Path.Combine(dir, "grubenv.out");
        Tool.Run("debugfs", ["-R", $"dump /boot/grub/grubenv {grubenv}", disk]);
        return grubenv;
    }
}
