using CorralOS.Init.Boot;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// PID 1 marks a tried version good once it reached started: the boot's own initrd (dist/, direct kernel boot) with a
/// state disk whose grubenv says GRUB is trying this version (its try used up, as GRUB leaves it before booting it).
/// After the boot, grubenv on the disk names it the default and the old default the previous version.
/// </summary>
public sealed class MarkGoodBootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-mark-good-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_tried_version_that_reaches_started_becomes_the_default_in_grubenv()
    {
        var ct = TestContext.Current.CancellationToken;
        var version = RepoPaths.Version;
        var root = Directory.CreateDirectory(Path.Combine(_dir, "root", "boot", "grub")).FullName;
        GrubEnvironment.Write(Path.Combine(root, "grubenv"), new BootChoice("0.0.1", null, version, 0, null).ApplyTo([]));
        var disk = Path.Combine(_dir, "state.img");
        Tool.Run("mkfs.ext4", ["-F", "-q", "-L", PartitionTable.StateLabel, "-d", Path.Combine(_dir, "root"), disk, "256M"]);

        await using (var vm = await QemuVm.StartAsync(new QemuOptions
        {
            Name = "mark-good",
            DiskImage = disk,
            ExtraCmdline = "rancher.state.dev=LABEL=RANCHER_STATE rancher.state.wait",
            Network = false,
        }, ct))
        {
            await vm.WaitForConsoleAsync($"init: CorralOS {version} marked good: it boots by default from now on (0.0.1 is the rollback)", TimeSpan.FromMinutes(10), cancellationToken: ct);
            await vm.WaitForShellAsync(TimeSpan.FromMinutes(5), cancellationToken: ct);
            await vm.SendLineAsync("poweroff", ct);
            Assert.Equal(0, await vm.WaitForExitAsync(TimeSpan.FromMinutes(2), ct));
        }

        var grubenv = Path.Combine(_dir, "grubenv.out");
        Tool.Run("debugfs", ["-R", $"dump /boot/grub/grubenv {grubenv}", disk]);
        Assert.Equal(new BootChoice(version, "0.0.1", null, 0, null), BootChoice.From(GrubEnvironment.Read(grubenv)));
    }
}
