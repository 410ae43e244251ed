using System.Diagnostics;
using CorralOS.Init.Storage;
using CorralOS.Linux;

namespace CorralOS.Init.Tests;

/// <summary>Filesystem probing and autoformat against real images made by Debian's mkfs tools.</summary>
public sealed class StorageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-storage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Image(string name, long size = 32 * 1024 * 1024)
    {
        var path = Path.Combine(_dir, name);
        using var file = File.Create(path);
        file.SetLength(size);
        return path;
    }

    /// <summary>Runs a host tool; asserts it exited 0 (its stderr in the message). Shared by the classes of this file.</summary>
    internal static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error.Result}");
    }

    [Fact]
    public void Ext4_label_uuid_and_type_are_read_like_blkid()
    {
        var image = Image("ext4.img");
        Run("/sbin/mkfs.ext4", "-F", "-q", "-L", "RANCHER_STATE", "-U", "0b5c9a4e-6f1d-4c39-8a3e-2d6f1f0c7e11", image);

        var info = FileSystemProbe.Probe(image);

        Assert.Equal(new FileSystemSignature("ext4", "RANCHER_STATE", "0b5c9a4e-6f1d-4c39-8a3e-2d6f1f0c7e11"), info);
    }

    [Fact]
    public void Erofs_uuid_is_read_like_blkid()
    {
        var content = Directory.CreateDirectory(Path.Combine(_dir, "erofs-content")).FullName;
        File.WriteAllText(Path.Combine(content, "file"), "x");
        var image = Path.Combine(_dir, "images.erofs");
        Run("/usr/bin/mkfs.erofs", "--quiet", "-U", "3f2c7d1e-8a4b-4c6d-9e0f-112233445566", image, content);

        Assert.Equal(new FileSystemSignature("erofs", "", "3f2c7d1e-8a4b-4c6d-9e0f-112233445566"), FileSystemProbe.Probe(image));
    }

    [Fact]
    public void Ext2_is_not_reported_as_ext4()
    {
        var image = Image("ext2.img");
        Run("/sbin/mkfs.ext2", "-F", "-q", "-L", "OLD", image);
        Assert.Equal("ext2", FileSystemProbe.Probe(image)?.Type);
    }

    [Fact]
    public void Vfat_and_iso9660_labels_are_read()
    {
        var vfat = Image("vfat.img");
        Run("/sbin/mkfs.vfat", "-n", "CONFIG-2", "-i", "1234ABCD", vfat);
        Assert.Equal(new FileSystemSignature("vfat", "CONFIG-2", "1234-ABCD"), FileSystemProbe.Probe(vfat));

        var content = Directory.CreateDirectory(Path.Combine(_dir, "iso-content")).FullName;
        File.WriteAllText(Path.Combine(content, "user_data"), "#cloud-config\n");
        var iso = Path.Combine(_dir, "cfg.iso");
        Run("/usr/bin/xorriso", "-as", "mkisofs", "-quiet", "-V", "config-2", "-o", iso, content);
        var probed = FileSystemProbe.Probe(iso);
        Assert.Equal("iso9660", probed?.Type);
        Assert.Equal("config-2", probed?.Label);
    }

    [Fact]
    public void Unknown_content_is_no_filesystem() =>
        Assert.Null(FileSystemProbe.Probe(new byte[FileSystemProbe.ProbeLength]));

    [Fact]
    public void Only_blank_or_boot2docker_disks_are_eligible_for_autoformat()
    {
        var blank = new byte[1024 * 1024];
        Assert.Equal(AutoFormat.StateLabel, AutoFormat.LabelFor(blank));

        var used = (byte[])blank.Clone();
        used[700_000] = 1;
        Assert.Null(AutoFormat.LabelFor(used));

        var b2d = (byte[])blank.Clone();
        AutoFormat.Boot2DockerMagic.CopyTo(b2d, 0);
        b2d[4096] = 0x42; // the userdata tar behind the magic
        Assert.Equal(AutoFormat.Boot2DockerLabel, AutoFormat.LabelFor(b2d));
    }

    [Fact]
    public void Autoformat_formats_the_first_blank_disk_and_leaves_used_ones_alone()
    {
        var used = Image("used.img");
        Run("/sbin/mkfs.ext4", "-F", "-q", "-L", "DATA", used);
        var blank = Image("blank.img");
        var later = Image("later.img");

        var result = AutoFormat.Run([Path.Combine(_dir, "missing.img"), used, blank, later]);

        Assert.Equal(new FormattedDisk(blank, AutoFormat.StateLabel, null), result);
        Assert.Equal("RANCHER_STATE", FileSystemProbe.Probe(blank)?.Label);
        Assert.Equal("DATA", FileSystemProbe.Probe(used)?.Label);
        Assert.Null(FileSystemProbe.Probe(later));
    }

    [Fact]
    public void Autoformat_reports_why_mkfs_failed()
    {
        var blank = Image("tiny.img", 8 * 1024);
        var error = Assert.Throws<IOException>(() => AutoFormat.Run([blank]));
        Assert.StartsWith($"formatting {blank} as RANCHER_STATE failed: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_resolve_by_label_uuid_and_path()
    {
        var sys = Directory.CreateDirectory(Path.Combine(_dir, "sys/class/block")).FullName;
        var dev = Directory.CreateDirectory(Path.Combine(_dir, "dev")).FullName;
        foreach (var name in new[] { "vda", "vdb", "loop0" })
        {
            Directory.CreateDirectory(Path.Combine(sys, name));
        }
        var vda = Path.Combine(dev, "vda");
        File.WriteAllBytes(vda, new byte[1024 * 1024]);
        var vdb = Path.Combine(dev, "vdb");
        File.Move(Image("state.img"), vdb);
        Run("/sbin/mkfs.ext4", "-F", "-q", "-L", "RANCHER_STATE", "-U", "11111111-2222-3333-4444-555555555555", vdb);
        var devices = new BlockDevices(Path.Combine(_dir, "sys"), dev);

        Assert.Equal([vda, vdb], devices.List());
        Assert.Equal(vdb, devices.Resolve("LABEL=RANCHER_STATE"));
        Assert.Equal(vdb, devices.Resolve("UUID=11111111-2222-3333-4444-555555555555"));
        Assert.Equal(vda, devices.Resolve(vda));
        Assert.Null(devices.Resolve("LABEL=BAD_STATE"));
        Assert.Null(devices.Resolve(Path.Combine(dev, "nope")));
    }
}

public sealed class Boot2DockerUserDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-b2d-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A disk head as docker-machine writes it: the magic entry, then .ssh and its keys, then zeros.</summary>
    private static byte[] DockerMachineDisk(string key)
    {
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "boot2docker, please format-me")
            { DataStream = new MemoryStream("boot2docker, please format-me"u8.ToArray()) });
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.Directory, ".ssh"));
            foreach (var name in new[] { ".ssh/authorized_keys", ".ssh/authorized_keys2" })
            {
                writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                { DataStream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key)) });
            }
        }
        var head = new byte[1024 * 1024];
        tar.ToArray().CopyTo(head, 0);
        return head;
    }

    [Fact]
    public void The_keys_behind_the_magic_go_to_the_docker_user_and_the_tar_is_kept()
    {
        var head = DockerMachineDisk("ssh-ed25519 AAAAC3Nza machine\n");
        Assert.Equal(AutoFormat.Boot2DockerLabel, AutoFormat.LabelFor(head));

        var userData = Boot2DockerUserData.Read(head);
        Assert.NotNull(userData);
        Assert.True(userData.Length < 16 * 1024, $"the tar was not cut at its end: {userData.Length} bytes");

        var state = Path.Combine(_dir, "state");
        var home = Path.Combine(_dir, "home/docker");
        Assert.Equal(2, Boot2DockerUserData.Install(userData, state, home));

        Assert.Equal(userData, File.ReadAllBytes(Path.Combine(state, "var/lib/boot2docker/userdata.tar")));
        var key = Path.Combine(home, ".ssh/authorized_keys");
        Assert.Equal("ssh-ed25519 AAAAC3Nza machine\n", File.ReadAllText(key));
        Assert.Equal("600 1101:1101", Stat(key));
        Assert.Equal("700 1101:1101", Stat(Path.GetDirectoryName(key)!));
    }

    [Fact]
    public void A_magic_without_a_readable_tar_installs_nothing() =>
        Assert.Null(Boot2DockerUserData.Read([.. "boot2docker, please format-me"u8, .. new byte[100]]));

    private static string Stat(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%a %u:%g", path]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}

public class DiskMountsTests
{
    [Theory]
    [InlineData("defaults", MountFlags.None, "")]
    [InlineData("ro,noexec,nosuid,nodev", MountFlags.ReadOnly | MountFlags.NoExec | MountFlags.NoSuid | MountFlags.NoDev, "")]
    [InlineData("noatime,nofail,x-systemd.automount,errors=remount-ro,commit=60", MountFlags.NoAtime, "errors=remount-ro,commit=60")]
    [InlineData(" relatime , sync ", MountFlags.RelAtime | MountFlags.Synchronous, "")]
    [InlineData(null, MountFlags.None, "")]
    public void Fstab_options_split_into_flags_and_filesystem_data(string? options, MountFlags flags, string data) =>
        Assert.Equal(new MountOptions(flags, data), MountOptions.Parse(options));

    [Fact]
    public void Bad_entries_are_reported_by_index_and_nothing_configured_is_fine()
    {
        var context = new BootContext("1", []);
        Assert.Equal("none configured", new DiskMountsPhase().Run(context));

        context.Config = Config.KernelCmdline.Parse("cc.mounts=[[/dev/x],[LABEL=NOPE_NOT_HERE,/mnt/a,ext4,'']]");
        var error = Assert.Throws<IOException>(() => new DiskMountsPhase(new BlockDevices(Path.GetTempPath(), Path.GetTempPath())).Run(context));

        Assert.Equal(
            "nothing mounted, but: mounts[0]: expected [device, mount point, type, options]; mounts[1]: device LABEL=NOPE_NOT_HERE not found",
            error.Message);
    }
}

public sealed class BlockDeviceLabelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-labels-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AnyLabelled_finds_a_device_by_any_of_several_labels()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sys/class/block/vda"));
        var dev = Directory.CreateDirectory(Path.Combine(_dir, "dev")).FullName;
        var vda = Path.Combine(dev, "vda");
        using (var file = File.Create(vda))
        {
            file.SetLength(16 * 1024 * 1024);
        }
        var info = new ProcessStartInfo("/sbin/mkfs.vfat") { ArgumentList = { "-n", "CIDATA", vda }, RedirectStandardOutput = true };
        using (var mkfs = Process.Start(info)!)
        {
            mkfs.StandardOutput.ReadToEnd();
            mkfs.WaitForExit();
        }
        var devices = new BlockDevices(Path.Combine(_dir, "sys"), dev);

        Assert.True(devices.AnyLabelled(["config-2", "CIDATA"]));
        Assert.False(devices.AnyLabelled(["config-2", "cidata"]));
    }
}

/// <summary>
/// A noformat install's RANCHER_BOOT (docs/install.md): PID 1 takes the one on the state's disk and binds its /boot
/// over /state/boot. Devices are files (or, for the mount, a loop device) under a fake /sys/class/block and /dev.
/// </summary>
public sealed class BootPartitionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-boot-partition-").FullName;
    private readonly string _sys;
    private readonly string _dev;
    private string? _loop;
    private string? _mounted;

    public BootPartitionTests()
    {
        _sys = Path.Combine(_dir, "sys");
        _dev = Directory.CreateDirectory(Path.Combine(_dir, "dev")).FullName;
    }

    public void Dispose()
    {
        if (_mounted is not null)
        {
            StorageTests.Run("umount", _mounted);
        }
        if (_loop is not null)
        {
            StorageTests.Run("losetup", "-d", _loop);
        }
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A partition NAME of DISK in the fake sysfs; its device file an ext4 image labelled LABEL (or blank).</summary>
    private string Partition(string disk, string name, string? label)
    {
        Directory.CreateDirectory(Path.Combine(_sys, "class/block", disk));
        var directory = Directory.CreateDirectory(Path.Combine(_sys, "class/block", disk, name)).FullName;
        File.WriteAllText(Path.Combine(directory, "partition"), "1\n");
        var device = Path.Combine(_dev, name);
        using (var file = File.Create(device))
        {
            file.SetLength(8 * 1024 * 1024);
        }
        if (label is not null)
        {
            StorageTests.Run("/sbin/mkfs.ext4", "-F", "-q", "-L", label, device);
        }
        return device;
    }

    private BlockDevices Devices()
    {
        // The disks' own device files, as /dev has them.
        foreach (var disk in Directory.EnumerateDirectories(Path.Combine(_sys, "class/block")).Select(Path.GetFileName))
        {
            File.WriteAllBytes(Path.Combine(_dev, disk!), []);
        }
        return new BlockDevices(_sys, _dev);
    }

    [Fact]
    public void The_RANCHER_BOOT_beside_the_state_is_found_and_one_on_another_disk_is_not()
    {
        Partition("vda", "vda1", BootPartition.Label);
        Partition("vda", "vda2", "RANCHER_STATE");
        Partition("vdb", "vdb1", "OTHER");
        var boot = Partition("vdb", "vdb2", BootPartition.Label);
        var state = Partition("vdb", "vdb3", "RANCHER_STATE");
        Partition("vdc", "vdc1", "RANCHER_STATE");
        var devices = Devices();

        Assert.Equal([Path.Combine(_dev, "vdb1"), boot], devices.PartitionsBeside(state));
        Assert.Equal(boot, BootPartition.Find(devices, state));
        Assert.Equal(Path.Combine(_dev, "vda1"), BootPartition.Find(devices, Path.Combine(_dev, "vda2")));
        // A state with no RANCHER_BOOT on its disk, and a state that is a whole disk: /boot stays on the state.
        Assert.Null(BootPartition.Find(devices, Path.Combine(_dev, "vdc1")));
        Assert.Null(BootPartition.MountOver(devices, Path.Combine(_dev, "vdc1"), Path.Combine(_dir, "target"), Path.Combine(_dir, "staging")));
        Assert.Empty(devices.PartitionsBeside(Path.Combine(_dev, "vdc")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "target")));
    }

    [Fact]
    public void A_RANCHER_BOOT_that_cannot_be_mounted_gives_one_line_and_leaves_the_state_s_boot_alone()
    {
        // A file, not a block device: mount(2) refuses it as it would a damaged partition.
        var boot = Partition("vda", "vda1", BootPartition.Label);
        var state = Partition("vda", "vda2", "RANCHER_STATE");
        var target = Directory.CreateDirectory(Path.Combine(_dir, "state-boot")).FullName;
        File.WriteAllText(Path.Combine(target, "on-the-state"), "");

        var line = BootPartition.MountOver(Devices(), state, target, Path.Combine(_dir, "staging"));

        Assert.NotNull(line);
        Assert.StartsWith($"cannot use {boot} (RANCHER_BOOT, ext4) for /boot: ", line, StringComparison.Ordinal);
        Assert.EndsWith("; /boot stays on the state filesystem", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.Equal(["on-the-state"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        Assert.DoesNotContain(Mounts.Read(), m => m.Target == target);
        Assert.False(Directory.Exists(Path.Combine(_dir, "staging")));
    }

    [Fact]
    public void The_partition_s_boot_directory_is_bound_over_the_target_as_its_only_mount()
    {
        // vda1 is a loop device over an ext4 image holding /boot/grub/grub.cfg and a file outside /boot.
        var device = Partition("vda", "vda1", null);
        File.Delete(device);
        var image = Path.Combine(_dir, "boot.img");
        using (var file = File.Create(image))
        {
            file.SetLength(8 * 1024 * 1024);
        }
        var tree = Directory.CreateDirectory(Path.Combine(_dir, "tree", "boot", "grub")).FullName;
        File.WriteAllText(Path.Combine(tree, "grub.cfg"), "menu");
        File.WriteAllText(Path.Combine(_dir, "tree", "outside-boot"), "");
        StorageTests.Run("/sbin/mkfs.ext4", "-F", "-q", "-L", BootPartition.Label, "-d", Path.Combine(_dir, "tree"), image);
        _loop = LoopDevice(image);
        File.CreateSymbolicLink(device, _loop);
        var state = Partition("vda", "vda2", "RANCHER_STATE");
        var target = Directory.CreateDirectory(Path.Combine(_dir, "state-boot")).FullName;
        var staging = Path.Combine(_dir, "staging");

        var line = BootPartition.MountOver(Devices(), state, target, staging);
        _mounted = Mounts.IsMountPoint(target) ? target : null;

        Assert.Equal($"{device} (RANCHER_BOOT, ext4) holds /boot: its /boot is bound at {target}", line);
        Assert.NotNull(_mounted);
        Assert.Equal("menu", File.ReadAllText(Path.Combine(target, "grub", "grub.cfg")));
        Assert.False(File.Exists(Path.Combine(target, "outside-boot")));
        Assert.False(Directory.Exists(staging));
        Assert.DoesNotContain(Mounts.Read(), m => m.Target == staging);
        // Written through the bind, it is on the partition.
        File.WriteAllText(Path.Combine(target, "grub", "grubenv"), "env");
        StorageTests.Run("umount", target);
        _mounted = null;
        StorageTests.Run("losetup", "-d", _loop);
        _loop = null;
        var dump = Path.Combine(_dir, "grubenv.out");
        StorageTests.Run("/sbin/debugfs", "-R", $"dump /boot/grub/grubenv {dump}", image);
        Assert.Equal("env", File.ReadAllText(dump));
    }

    private static string LoopDevice(string image)
    {
        var info = new ProcessStartInfo("losetup") { ArgumentList = { "--find", "--show", image }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"losetup --find --show {image}: {error.Result}");
        return output;
    }
}
