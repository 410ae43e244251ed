using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Engine.Tests;
using CorralOS.Init.Boot;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// `ros install -t noformat` onto a disk the user partitioned, with /boot on its own RANCHER_BOOT partition, end to end
/// (issue 8): the host makes an MBR disk with p1 ext4 RANCHER_BOOT (empty) and p2 ext4 RANCHER_STATE, and its own GRUB
/// for BIOS, which finds p1 by its label and loads /boot/grub/grub.cfg there (no CorralOS code made it). The ISO
/// (SeaBIOS) installs A onto the existing partitions, formatting nothing and leaving that boot loader alone; the disk
/// boots A with /boot on p1 bound at /state/boot; `ros os upgrade -f` to B from the local registry reboots into B,
/// which PID 1 marks good in p1's grubenv; `ros os rollback` and a reboot bring A back. GRUB reads only p1, so each
/// boot of the intended version shows that the upgrade, the marking and the rollback wrote there. Four boots in all.
/// </summary>
public sealed class NoFormatInstallTests
{
    private static readonly TimeSpan s_markGoodTimeout = TimeSpan.FromMinutes(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_noformat_install_with_a_RANCHER_BOOT_partition_boots_upgrades_marks_good_and_rolls_back_there()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var a = RepoPaths.Version;
        var (archive, b) = UpgradeOsImage.Locate();
        await using var disk = new InstalledDisk(uefi: false, installType: "noformat",
            extraCloudConfig: $"rancher:\n  system_docker:\n    insecure_registry:\n      - {UpgradeEndToEndTests.GuestRegistry}\n");
        NoFormatDisk.Prepare(disk.Disk, Path.GetDirectoryName(disk.Disk)!);

        var install = await disk.InstallAsync();
        Assert.Contains($"install: using {NoFormatDisk.StatePartition} (RANCHER_STATE) and {NoFormatDisk.BootPartition} (RANCHER_BOOT); nothing is formatted", install, StringComparison.Ordinal);
        Assert.Contains($"install: writing /boot/initrd-{a} (", install, StringComparison.Ordinal);
        Assert.Contains($"install: boot loader left as it is (noformat): it must load /boot/grub/grub.cfg from {NoFormatDisk.BootPartition}", install, StringComparison.Ordinal);
        Assert.Contains($"install: CorralOS {a} installed on /dev/vda", install, StringComparison.Ordinal);
        Assert.DoesNotContain("partitioning", install, StringComparison.Ordinal);
        Assert.DoesNotContain("installing GRUB", install, StringComparison.Ordinal);
        Log(clock, "installed");

        await using var registry = await LocalRegistry.StartAsync();
        await disk.BootAsync([new GuestForward(registry.Port, "169.254.169.100", 5000)]);
        await UpgradeEndToEndTests.AssertRunningAsync(disk, a, from: 0);
        await AssertBootOnPartitionAsync(disk, a, from: 0);
        Assert.Equal(disk.Hostname, (await disk.SshAsync("hostname")).Trim());
        Assert.Contains($"state disk {NoFormatDisk.StatePartition} (ext4)", await disk.SshAsync("ros os persistence"), StringComparison.Ordinal);
        Assert.Equal(BootChoice.Installed(a), await GrubEnvAsync(disk));
        await disk.SshAsync("echo home-kept > /home/rancher/keep && sync");
        Log(clock, "A booted from the disk");

        await UpgradeEndToEndTests.PushAsync(archive, $"corralos/os:{b}", $"{registry.Host}/corralos/os:{b}");
        var from = disk.Vm.Console.Length;
        var (_, upgrade) = await disk.SshUntilRebootAsync($"sudo ros os upgrade -i {UpgradeEndToEndTests.GuestRegistry}/corralos/os:{b} -f 2>&1");
        Assert.Contains($"upgrade: writing /boot/initrd-{b} (", upgrade, StringComparison.Ordinal);
        Assert.Contains($"upgrade: CorralOS {b} boots once at the next boot", upgrade, StringComparison.Ordinal);
        await disk.WaitForSshAsync(from);
        await UpgradeEndToEndTests.AssertRunningAsync(disk, b, from);
        await disk.Vm.WaitForConsoleAsync($"init: CorralOS {b} marked good: it boots by default from now on ({a} is the rollback)", s_markGoodTimeout, from, Ct);
        await AssertBootOnPartitionAsync(disk, b, from);
        Assert.Equal(new BootChoice(b, a, null, 0, null), await GrubEnvAsync(disk));
        Log(clock, "upgraded to B, marked good");

        var rollback = await disk.SshAsync("sudo ros os rollback");
        Assert.Contains($"os: CorralOS {a} boots by default from the next boot ({b} is kept as the previous version)", rollback, StringComparison.Ordinal);
        from = disk.Vm.Console.Length;
        await disk.RebootAsync();
        await UpgradeEndToEndTests.AssertRunningAsync(disk, a, from);
        Assert.Equal(new BootChoice(a, b, null, 0, null), await GrubEnvAsync(disk));
        Assert.Equal("home-kept", (await disk.SshAsync("cat /home/rancher/keep")).Trim());
        Log(clock, "rolled back to A");
    }

    /// <summary>
    /// PID 1 said it bound p1's /boot at /state/boot, PID 1's mount table agrees, and the running version's system images
    /// file was mounted from there.
    /// </summary>
    private static async Task AssertBootOnPartitionAsync(InstalledDisk disk, string version, int from)
    {
        await disk.Vm.WaitForConsoleAsync($"init: phase state: {NoFormatDisk.BootPartition} (RANCHER_BOOT, ext4) holds /boot: its /boot is bound at /state/boot",
            TimeSpan.FromMinutes(1), from, Ct);
        // mountinfo: ID PARENT MAJ:MIN ROOT TARGET OPTIONS ... - FSTYPE SOURCE SUPER_OPTIONS
        var mount = (await disk.SshAsync("sudo grep ' /state/boot ' /proc/1/mountinfo")).Trim().Split(' ');
        Assert.Equal("/boot", mount[3]);
        Assert.Equal(new[] { "ext4", NoFormatDisk.BootPartition }, mount[(Array.IndexOf(mount, "-") + 1)..^1]);
        await disk.Vm.WaitForConsoleAsync(new Regex($"system-docker: mounted the system images file from /state/boot/system-images-{Regex.Escape(version)} "),
            TimeSpan.FromMinutes(3), from, Ct);
    }

    private static async Task<BootChoice?> GrubEnvAsync(InstalledDisk disk)
    {
        var directory = Directory.CreateTempSubdirectory("corralos-grubenv-").FullName;
        try
        {
            var grubenv = Path.Combine(directory, "grubenv");
            await File.WriteAllTextAsync(grubenv, await disk.SshAsync("sudo cat /proc/1/root/state/boot/grub/grubenv"), Ct);
            return BootChoice.From(GrubEnvironment.Read(grubenv));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Log(System.Diagnostics.Stopwatch clock, string what) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed:mm\\:ss} {what}");
}

/// <summary>
/// A disk as a user prepared it for a noformat install: MBR, p1 ext4 RANCHER_BOOT (512 MiB, empty), p2 ext4
/// RANCHER_STATE over the rest, and GRUB for BIOS made here with Debian's grub-mkimage (boot.img in the MBR, the core
/// image in the gap before p1, as grub-install puts them), whose built-in config finds p1 by its label and whose
/// prefix is /boot/grub there, so GRUB's normal mode loads /boot/grub/grub.cfg from p1.
/// </summary>
internal static class NoFormatDisk
{
    public const string BootPartition = "/dev/vda1";
    public const string StatePartition = "/dev/vda2";
    private const long MiB = 1 << 20;
    private const long BootStart = 1 * MiB;
    private const long BootSize = 512 * MiB;
    private const long StateStart = BootStart + BootSize;
    private const string GrubLib = "/usr/lib/grub/i386-pc";

    // grub.cfg's commands, built in: there is no module directory on the disk.
    private static readonly string[] s_modules =
    [
        "biosdisk", "part_msdos", "ext2", "search", "search_label", "normal", "configfile", "linux", "echo", "test",
        "serial", "terminal", "sleep", "reboot", "halt", "loadenv", "cat", "ls",
    ];

    public static void Prepare(string disk, string work)
    {
        var size = new FileInfo(disk).Length;
        Tool.Run("sfdisk", ["--quiet", disk], input:
            $"label: dos\nstart={BootStart / 512}, size={BootSize / 512}, type=83\nstart={StateStart / 512}, type=83\n");
        // GRUB 2.06 cannot read ext4 with metadata_csum_seed or orphan_file (as the installer's mkfs, FileSystems).
        MakeExt4(disk, ExistingPartitions.BootLabel, BootStart, BootSize);
        MakeExt4(disk, PartitionTable.StateLabel, StateStart, size - StateStart);

        var config = Path.Combine(work, "grub-embed.cfg");
        File.WriteAllText(config, $"search --no-floppy --label --set=root {ExistingPartitions.BootLabel}\nset prefix=($root)/boot/grub\n");
        var core = Path.Combine(work, "core.img");
        Tool.Run("grub-mkimage", ["-O", "i386-pc", "-d", GrubLib, "-p", "/boot/grub", "-c", config, "-o", core, .. s_modules]);
        var coreBytes = File.ReadAllBytes(core);
        Assert.True(coreBytes.Length <= BootStart - 512, $"GRUB's core image ({coreBytes.Length} bytes) does not fit before p1");
        using var output = new FileStream(disk, FileMode.Open, FileAccess.Write);
        // boot.img's code only (the partition table from byte 446 stays); it loads the core image from sector 1, whose
        // first sector's block list (grub-mkimage wrote its length) loads the rest from sector 2.
        output.Write(File.ReadAllBytes(Path.Combine(GrubLib, "boot.img")), 0, 440);
        output.Position = 512;
        output.Write(coreBytes);
    }

    private static void MakeExt4(string disk, string label, long offset, long size) =>
        Tool.Run("mkfs.ext4", ["-F", "-q", "-L", label, "-O", "^metadata_csum_seed,^orphan_file",
            "-E", $"offset={offset.ToString(CultureInfo.InvariantCulture)}", disk, $"{(size / 1024).ToString(CultureInfo.InvariantCulture)}k"]);
}
