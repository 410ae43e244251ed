using CorralOS.Init.Storage;

namespace CorralOS.CloudInit.Tests;

/// <summary>Config drives and NoCloud seeds: from a directory, and as real ISO9660/vfat images on loop devices, found by label.</summary>
public sealed class DriveTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LoopDevices _loops = new();

    public void Dispose()
    {
        _loops.Dispose();
        _dir.Dispose();
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Attaches an image to a free loop device (root only, as the drive is in a VM) and remembers to detach it.</summary>
    private string Attach(string image) => _loops.Attach(image, readOnly: true);

    /// <summary>Looks a label up the way PID 1 does (blkid-style probe), among the test's loop devices only.</summary>
    private Func<string, string?> ByLabel => label => _loops.Attached.FirstOrDefault(d => FileSystemProbe.Probe(d)?.Label == label);

    [Fact]
    public async Task Config_drive_from_a_directory()
    {
        CopyTree(Fixture.Path("openstack"), Path.Combine(_dir.Path, "drive", "openstack"));

        var data = await Options.FetchAsync($"configdrive:{_dir.Path}/drive", Options.For(_dir));

        CloudMetadataTests.AssertOpenStack(data);
    }

    /// <summary>Whether this kernel can mount the type; the build host's kernel may lack iso9660 and vfat (a VM's has them).</summary>
    private static bool KernelHas(string type) => File.ReadLines("/proc/filesystems").Any(l => l.Split('\t').Last().Trim() == type);

    /// <summary>
    /// Reads a drive through the datasource. Where the kernel cannot mount its type, the error must be the one-line
    /// mount failure naming the device and each type tried, and nothing may be left mounted or created.
    /// </summary>
    private async Task<CloudData?> ReadDriveAsync(string spec, string type, string loop, CloudInitOptions options)
    {
        using var http = new HttpClient();
        var source = DatasourceFactory.Create(spec, options, http)!;
        Assert.True(await source.IsAvailableAsync(TestContext.Current.CancellationToken), "found by its label");
        if (KernelHas(type))
        {
            var data = await source.FetchAsync(TestContext.Current.CancellationToken);
            AssertUnmounted(options);
            return data;
        }
        var error = await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith($"{spec}: {loop}: cannot mount read-only (iso9660: mount iso9660 on ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{type}: mount {type} on ", error.Message, StringComparison.Ordinal);
        AssertUnmounted(options);
        return null;
    }

    private static void AssertUnmounted(CloudInitOptions options)
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(options.MountDirectory)); // unmounted and removed
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mounts"), l => l.Contains(options.MountDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Config_drive_iso_labelled_config_2_on_a_loop_device()
    {
        var stage = Path.Combine(_dir.Path, "stage");
        CopyTree(Fixture.Path("openstack"), Path.Combine(stage, "openstack"));
        var iso = Path.Combine(_dir.Path, "config-2.iso");
        Tool.Run("xorriso", "-as", "mkisofs", "-quiet", "-V", "config-2", "-J", "-R", "-o", iso, stage);
        var loop = Attach(iso);
        Assert.Equal(new FileSystemSignature("iso9660", "config-2", FileSystemProbe.Probe(loop)!.Uuid), FileSystemProbe.Probe(loop));

        // RancherOS's default spec names a directory that does not exist here; the label finds the drive.
        var data = await ReadDriveAsync("configdrive:/media/config-2-not-here", "iso9660", loop, Options.For(_dir, findDevice: ByLabel));

        if (data is not null)
        {
            CloudMetadataTests.AssertOpenStack(data);
        }
    }

    [Fact]
    public async Task Config_drive_with_another_filesystem_is_mounted_read_only_read_and_unmounted()
    {
        // Any filesystem labelled config-2 will do (RancherOS mounted the label with any type); ext4 is one every
        // kernel here has, so this runs the whole mount, read, unmount cycle for real.
        var stage = Path.Combine(_dir.Path, "stage");
        CopyTree(Fixture.Path("openstack"), Path.Combine(stage, "openstack"));
        var image = Path.Combine(_dir.Path, "config-2.ext4");
        using (var file = File.Create(image))
        {
            file.SetLength(8 * 1024 * 1024);
        }
        Tool.Run("mkfs.ext4", "-q", "-F", "-L", "config-2", "-d", stage, image);
        Attach(image);
        var options = Options.For(_dir, findDevice: ByLabel);

        var data = await Options.FetchAsync("configdrive", options);

        CloudMetadataTests.AssertOpenStack(data);
        AssertUnmounted(options);
    }

    [Fact]
    public async Task NoCloud_vfat_image_labelled_cidata_on_a_loop_device()
    {
        var image = Path.Combine(_dir.Path, "seed.img");
        using (var file = File.Create(image))
        {
            file.SetLength(4 * 1024 * 1024);
        }
        Tool.Run("mkfs.vfat", "-n", "CIDATA", image);
        foreach (var name in new[] { "user-data", "meta-data" })
        {
            Tool.Run("mcopy", "-i", image, Fixture.Path($"nocloud/{name}"), $"::/{name}");
        }
        Tool.Run("mcopy", "-i", image, Fixture.Path("nocloud/network-config-v1"), "::/network-config");
        var loop = Attach(image);

        var data = await ReadDriveAsync("nocloud", "vfat", loop, Options.For(_dir, findDevice: ByLabel));

        if (data is not null)
        {
            Assert.Equal("corral-nocloud", data.Metadata.Hostname);
            Assert.Equal("#cloud-config\nhostname: from-nocloud-user-data\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
            Assert.NotNull(data.Metadata.Network);
        }
    }

    [Fact]
    public async Task Proxmox_takes_either_layout()
    {
        CopyTree(Fixture.Path("openstack"), Path.Combine(_dir.Path, "pve-configdrive", "openstack"));
        File.Copy(Fixture.Path("nocloud/user-data"), Path.Combine(Directory.CreateDirectory(Path.Combine(_dir.Path, "pve-nocloud")).FullName, "user-data"));

        CloudMetadataTests.AssertOpenStack(await Options.FetchAsync($"proxmox:{_dir.Path}/pve-configdrive", Options.For(_dir)));
        var nocloud = await Options.FetchAsync($"proxmox:{_dir.Path}/pve-nocloud", Options.For(_dir));
        Assert.Equal("#cloud-config\nhostname: from-nocloud-user-data\n", System.Text.Encoding.UTF8.GetString(nocloud.UserData!));
    }

    [Fact]
    public async Task A_9p_share_tagged_config_2_makes_the_config_drive_available()
    {
        var options = Options.For(_dir);
        using var http = new HttpClient();
        var source = DatasourceFactory.Create("configdrive", options, http)!;
        Assert.False(await source.IsAvailableAsync(TestContext.Current.CancellationToken));

        _dir.Write("sys/bus/virtio/drivers/9pnet_virtio/virtio3/mount_tag", "config-2\0");
        Assert.True(await source.IsAvailableAsync(TestContext.Current.CancellationToken));

        // There is no virtio transport here, so the mount fails: one line naming the tag.
        var error = await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("configdrive: 9p tag config-2: mount 9p on ", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(options.MountDirectory));
    }

    [Fact]
    public async Task A_directory_without_the_layout_is_not_a_config_drive()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty"));
        using var http = new HttpClient();
        var source = DatasourceFactory.Create($"configdrive:{_dir.Path}/empty", Options.For(_dir), http)!;
        Assert.False(await source.IsAvailableAsync(TestContext.Current.CancellationToken));
    }
}
