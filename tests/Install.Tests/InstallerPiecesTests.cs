using System.Formats.Tar;
using System.Text;

namespace CorralOS.Install.Tests;

/// <summary>The installer's parts that need no disk: layouts, the menu, the OS files list, archives, device checks.</summary>
public sealed class InstallerPiecesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-install-pieces-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generic_is_GPT_with_BIOS_boot_ESP_and_state_and_msdos_one_bootable_partition()
    {
        var generic = PartitionTable.Script(InstallType.Generic).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("label: gpt", generic[0]);
        Assert.StartsWith("size=1MiB, type=21686148-6449-6E6F-744E-656564454649", generic[1], StringComparison.Ordinal);
        Assert.StartsWith("size=100MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B", generic[2], StringComparison.Ordinal);
        Assert.Equal("type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=\"RANCHER_STATE\"", generic[3]);
        Assert.Equal("label: dos\ntype=83, bootable\n", PartitionTable.Script(InstallType.Msdos));
        Assert.Throws<ArgumentOutOfRangeException>(() => PartitionTable.Script(InstallType.NoFormat));
    }

    [Fact]
    public void Install_types_parse_by_name_and_refuse_others()
    {
        Assert.Equal(InstallType.Msdos, InstallTypes.Parse("msdos"));
        Assert.Equal("noformat", InstallType.NoFormat.Name());
        Assert.Equal("unknown install type 'syslinux' (one of generic, msdos, noformat)", Assert.Throws<InstallException>(() => InstallTypes.Parse("syslinux")).Message);
    }

    [Fact]
    public void The_menu_template_of_the_repository_selects_the_version_with_the_append()
    {
        var template = File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "images", "os", "grub.cfg"));
        var menu = BootFiles.Menu(template, ["9.8.7"], " console=ttyS1 ");
        Assert.Contains("menuentry \"CorralOS 9.8.7\" --id \"corralos-9.8.7\" {", menu, StringComparison.Ordinal);
        Assert.Contains("  linux /boot/vmlinuz-9.8.7 console=tty0 console=ttyS0,115200n8 rancher.state.dev=LABEL=RANCHER_STATE rancher.state.wait panic=10 console=ttyS1\n", menu, StringComparison.Ordinal);
        Assert.Contains("  initrd /boot/initrd-9.8.7\n", menu, StringComparison.Ordinal);
        Assert.DoesNotContain("@", menu, StringComparison.Ordinal);
        Assert.Equal("search --no-floppy --fs-uuid --set=root 1234\nset prefix=($root)/boot/grub\n", Grub.EmbeddedConfig("1234"));
    }

    [Fact]
    public void The_OS_files_are_the_list_of_the_image_under_versioned_names_and_boot_files_are_written_with_progress()
    {
        File.WriteAllText(Path.Combine(_dir, "files.list"), "# one version\nvmlinuz\ninitrd\n");
        File.WriteAllText(Path.Combine(_dir, "version"), "1.2.3\n");
        File.WriteAllBytes(Path.Combine(_dir, "vmlinuz"), new byte[3 << 20]);
        File.WriteAllText(Path.Combine(_dir, "initrd"), "initrd");
        File.WriteAllText(Path.Combine(_dir, "grub.cfg"), "linux /boot/vmlinuz-@VERSION@ @APPEND@\n");
        var os = OsVersionFiles.Read(_dir);
        Assert.Equal(["vmlinuz", "initrd"], os.Names);
        Assert.Equal("vmlinuz-1.2.3", os.VersionedName("vmlinuz"));

        var target = Directory.CreateDirectory(Path.Combine(_dir, "target")).FullName;
        var lines = new StringWriter();
        BootFiles.Write(target, os, "a=b", new Progress(lines));
        Assert.Equal(3 << 20, new FileInfo(Path.Combine(target, "boot", "vmlinuz-1.2.3")).Length);
        Assert.Equal("initrd", File.ReadAllText(Path.Combine(target, "boot", "initrd-1.2.3")));
        Assert.Equal("a=b\n", File.ReadAllText(Path.Combine(target, "boot", "append")));
        Assert.EndsWith("(docs/upgrade.md).\nlinux /boot/vmlinuz-1.2.3 a=b\n", File.ReadAllText(Path.Combine(target, "boot", "grub", "grub.cfg")), StringComparison.Ordinal);
        Assert.Equal(
            "install: writing /boot/vmlinuz-1.2.3 (3.0 MiB)\ninstall: writing /boot/vmlinuz-1.2.3 (3.0 MiB): 25%\n" +
            "install: writing /boot/vmlinuz-1.2.3 (3.0 MiB): 50%\n" +
            "install: writing /boot/initrd-1.2.3 (0.0 MiB)\ninstall: wrote /boot/grub/grub.cfg (CorralOS 1.2.3, append: a=b)\n",
            lines.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));

        File.AppendAllText(Path.Combine(_dir, "files.list"), "images.squashfs\n");
        Assert.Equal($"{Path.Combine(_dir, "files.list")} names images.squashfs, which the image does not hold",
            Assert.Throws<InstallException>(() => OsVersionFiles.Read(_dir)).Message);
    }

    [Fact]
    public void The_tag_of_an_image_archive_is_read_from_its_manifest()
    {
        var archive = Path.Combine(_dir, "os.tar");
        using (var file = File.Create(archive))
        using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "blobs/sha256/00") { DataStream = new MemoryStream(new byte[4096]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json")
            { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("[{\"Config\":\"blobs/sha256/00\",\"RepoTags\":[\"corralos/os:1.2.3\"],\"Layers\":[]}]")) });
        }
        Assert.Equal("corralos/os:1.2.3", ImageArchive.Tag(archive));
        File.WriteAllText(archive, "");
        Assert.Throws<InstallException>(() => ImageArchive.Tag(archive));
    }

    [Fact]
    public void A_path_that_is_no_disk_or_a_partition_is_refused_and_partition_nodes_follow_the_kernel_names()
    {
        var sys = Directory.CreateDirectory(Path.Combine(_dir, "sys")).FullName;
        var dev = Directory.CreateDirectory(Path.Combine(_dir, "dev")).FullName;
        foreach (var (name, number) in new[] { ("nvme0n1", "259:0"), ("sda", "8:0") })
        {
            Directory.CreateDirectory(Path.Combine(sys, name));
            File.WriteAllText(Path.Combine(sys, name, "dev"), number + "\n");
            File.WriteAllText(Path.Combine(dev, name), "");
        }
        Directory.CreateDirectory(Path.Combine(sys, "sda1"));
        File.WriteAllText(Path.Combine(sys, "sda1", "dev"), "8:1\n");
        File.WriteAllText(Path.Combine(sys, "sda1", "partition"), "1\n");
        File.WriteAllText(Path.Combine(dev, "sda1"), "");
        File.WriteAllText(Path.Combine(dev, "notadisk"), "");

        Assert.Equal($"{dev}/nvme0n1p3", TargetDisk.Open(Path.Combine(dev, "nvme0n1"), sys, dev).PartitionPath(3));
        Assert.Equal($"{dev}/sda2", TargetDisk.Open(Path.Combine(dev, "sda"), sys, dev).PartitionPath(2));
        Assert.Equal($"{dev}/notadisk is not a block device", Assert.Throws<InstallException>(() => TargetDisk.Open(Path.Combine(dev, "notadisk"), sys, dev)).Message);
        Assert.StartsWith($"{dev}/sda1 is a partition; give the whole disk", Assert.Throws<InstallException>(() => TargetDisk.Open(Path.Combine(dev, "sda1"), sys, dev)).Message, StringComparison.Ordinal);
        Assert.Equal("/dev/nope does not exist", Assert.Throws<InstallException>(() => TargetDisk.Open("/dev/nope", sys, dev)).Message);
    }

    [Fact]
    public void A_disk_with_a_mounted_partition_is_refused_with_where_it_is_mounted()
    {
        var sys = Directory.CreateDirectory(Path.Combine(_dir, "sys")).FullName;
        var dev = Directory.CreateDirectory(Path.Combine(_dir, "dev")).FullName;
        Directory.CreateDirectory(Path.Combine(sys, "vda", "vda3"));
        File.WriteAllText(Path.Combine(sys, "vda", "dev"), "254:0\n");
        File.WriteAllText(Path.Combine(sys, "vda", "vda3", "dev"), "254:3\n");
        File.WriteAllText(Path.Combine(sys, "vda", "vda3", "partition"), "3\n");
        File.WriteAllText(Path.Combine(dev, "vda"), "");
        var mountinfo = Path.Combine(_dir, "mountinfo");
        File.WriteAllText(mountinfo, "22 1 0:20 / / rw - rootfs rootfs rw\n40 22 254:3 /home /home rw,relatime - ext4 /dev/vda3 rw\n");

        var disk = TargetDisk.Open(Path.Combine(dev, "vda"), sys, dev);
        Assert.Equal(["vda3"], disk.PartitionNames());
        Assert.Equal($"{dev}/vda is in use: /dev/vda3 is mounted at /home", Assert.Throws<InstallException>(() => disk.EnsureUnused([mountinfo])).Message);
    }
}
