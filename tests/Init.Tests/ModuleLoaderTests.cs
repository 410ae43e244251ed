using CorralOS.Init.Modules;

namespace CorralOS.Init.Tests;

public sealed class ModuleLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-modules-").FullName;
    private readonly List<(string File, string Parameters)> _inserted = [];

    public ModuleLoaderTests()
    {
        File.WriteAllText(Path.Combine(_root, "modules.dep"), """
            kernel/drivers/virtio/virtio.ko:
            kernel/drivers/virtio/virtio_ring.ko:
            kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
            kernel/drivers/virtio/virtio_pci_modern_dev.ko:
            kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
            kernel/fs/ext4/ext4.ko: kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko kernel/lib/crc16.ko
            kernel/fs/mbcache.ko:
            kernel/fs/jbd2/jbd2.ko:
            kernel/lib/crc16.ko:
            kernel/crypto/crc32c_generic.ko:
            kernel/arch/x86/crypto/crc32c-intel.ko:
            kernel/drivers/net/dummy-net.ko:
            kernel/lib/libcrc32c.ko:
            """);
        File.WriteAllText(Path.Combine(_root, "modules.alias"), """
            # Aliases extracted from modules themselves.
            alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci
            alias virtio:d00000002v* virtio_blk
            alias cpu:type:x86,ven*fam*mod*:feature:*0094* crc32c_intel
            alias fs-ext4 ext4
            alias fs-ext3 ext4
            alias crypto-crc32c crc32c_intel
            alias crypto-crc32c crc32c_generic
            alias crc32c crc32c_intel
            alias crc32c crc32c_generic
            """);
        File.WriteAllText(Path.Combine(_root, "modules.softdep"), "softdep ext4 pre: crc32c_generic\nsoftdep libcrc32c pre: crc32c\n");
        File.WriteAllText(Path.Combine(_root, "modules.builtin"), "kernel/drivers/tty/serial/8250/8250.ko\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ModuleLoader CreateLoader(params string[] alreadyLoaded) =>
        new(ModuleIndex.Load(_root), alreadyLoaded, (file, parameters) =>
        {
            _inserted.Add((Path.GetRelativePath(_root, file), parameters));
            return true;
        });

    [Fact]
    public void Dependencies_load_first_in_modprobe_order()
    {
        var loader = CreateLoader();
        loader.Load("virtio_pci");
        Assert.Equal(["virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci"], loader.Inserted);
    }

    [Fact]
    public void Soft_pre_dependencies_and_aliases_are_followed()
    {
        var loader = CreateLoader();
        loader.Load("fs-ext3");
        Assert.Equal(["crc32c_generic", "crc16", "jbd2", "mbcache", "ext4"], loader.Inserted);
    }

    [Fact]
    public void A_soft_dependency_given_as_an_alias_loads_every_module_it_names_and_one_refused_does_not_stop_the_rest()
    {
        var loader = new ModuleLoader(ModuleIndex.Load(_root), [], (file, _) =>
            Path.GetFileName(file) == "crc32c-intel.ko" ? throw new IOException("No such device") : true);
        loader.Load("libcrc32c");
        Assert.Equal(["crc32c_generic", "libcrc32c"], loader.Inserted);
        Assert.Equal(["crc32c_intel: No such device"], loader.Errors);
    }

    [Fact]
    public void Loaded_and_builtin_modules_are_skipped_and_dashes_match_underscores()
    {
        var loader = CreateLoader("virtio", "virtio_ring");
        loader.Load("virtio-blk");
        loader.Load("8250");
        loader.Load("dummy_net", "numdummies=2");
        Assert.Equal(["virtio_blk", "dummy_net"], loader.Inserted);
        Assert.Equal(("kernel/drivers/net/dummy-net.ko", "numdummies=2"), _inserted[^1]);
    }

    [Fact]
    public void An_unknown_module_is_an_error_naming_it()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CreateLoader().Load("nosuchmod"));
        Assert.Contains("nosuchmod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Coldplug_loads_drivers_for_devices_including_ones_that_appear_after_a_bus_driver()
    {
        var sys = Path.Combine(_root, "sys");
        Device(sys, "pci", "0000:00:04.0", "MODALIAS=pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00");
        Device(sys, "platform", "serial8250", "DRIVER=serial8250\nMODALIAS=platform:serial8250");
        Device(sys, "cpu", "cpu0", "MODALIAS=cpu:type:x86,ven0000fam0006mod003F:feature:,0020,0094");
        // A device without an alias (a bus bridge) and a bus without devices are passed over.
        Device(sys, "pci", "0000:00:00.0", "PCI_ID=8086:29C0");
        Directory.CreateDirectory(Path.Combine(sys, "bus", "empty"));
        var loader = new ModuleLoader(ModuleIndex.Load(_root), [], (file, _) =>
        {
            // Loading virtio_pci makes the virtio bus show the block device, as the kernel does.
            if (file.EndsWith("virtio_pci.ko", StringComparison.Ordinal))
            {
                Device(sys, "virtio", "virtio0", "MODALIAS=virtio:d00000002v00001AF4");
            }
            return true;
        });

        var count = loader.Coldplug(sys);

        Assert.Equal(6, count);
        Assert.Contains("crc32c_intel", loader.Inserted);
        Assert.Equal("virtio_blk", loader.Inserted[^1]);
        Assert.Empty(loader.Errors);
    }

    /// <summary>A device of <paramref name="bus"/> as sysfs shows it: its directory with a uevent file, linked from /sys/bus/BUS/devices.</summary>
    private static void Device(string sys, string bus, string name, string uevent)
    {
        var directory = Directory.CreateDirectory(Path.Combine(sys, "devices", bus + "-root", name)).FullName;
        File.WriteAllText(Path.Combine(directory, "uevent"), uevent + "\n");
        var devices = Directory.CreateDirectory(Path.Combine(sys, "bus", bus, "devices")).FullName;
        File.CreateSymbolicLink(Path.Combine(devices, name), directory);
    }

    [Fact]
    public void Coldplug_records_a_refused_driver_and_goes_on()
    {
        Device(Path.Combine(_root, "sys2"), "virtio", "virtio1", "MODALIAS=virtio:d00000002v00001AF4");
        var loader = new ModuleLoader(ModuleIndex.Load(_root), [], (file, _) =>
            file.EndsWith("virtio_blk.ko", StringComparison.Ordinal) ? throw new IOException("No such device") : true);

        loader.Coldplug(Path.Combine(_root, "sys2"));

        Assert.Equal(["virtio", "virtio_ring"], loader.Inserted);
        Assert.Equal(["virtio_blk: No such device"], loader.Errors);
    }

    [Fact]
    public void Every_module_an_alias_matches_is_tried_when_the_kernel_refuses_the_first()
    {
        // crc32c_intel needs SSE4.2, which plain TCG does not offer: the kernel refuses it and crc32c_generic must load.
        var loader = new ModuleLoader(ModuleIndex.Load(_root), [], (file, _) =>
            file.EndsWith("crc32c-intel.ko", StringComparison.Ordinal) ? throw new IOException("No such device") : true);

        loader.Load("crypto-crc32c");

        Assert.Equal(["crc32c_generic"], loader.Inserted);
        Assert.Equal(["crc32c_intel: No such device"], loader.Errors);
    }

    [Fact]
    public void An_alias_whose_every_module_is_refused_is_an_error()
    {
        var loader = new ModuleLoader(ModuleIndex.Load(_root), [], (_, _) => throw new IOException("No such device"));

        var error = Assert.Throws<IOException>(() => loader.Load("crypto-crc32c"));

        Assert.Equal("No such device", error.Message);
        Assert.Empty(loader.Inserted);
    }
}
