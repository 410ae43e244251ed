using System.Buffers.Binary;
using System.Globalization;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// rancher.resize_device as RancherOS installs lay a disk out: an MBR disk whose partition 1 holds the ext4 state
/// (RANCHER_STATE), made larger with qemu-img resize while the VM is off. At boot PID 1 mounts the state from vda1,
/// grows partition 1 to the end of the disk (the kernel told with BLKPG while it is mounted) and its ext4 online.
/// </summary>
public sealed class CloudInitResizeBootTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-resize-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task Run(string file, params string[] args)
    {
        var (code, output) = await Tools.RunAsync(file, args, Ct);
        Assert.True(code == 0, $"{file} failed ({code}): {output}");
    }

    // 128 MiB: an msdos table with partition 1 (Linux) from sector 2048 to the end, holding ext4 labelled RANCHER_STATE.
    private async Task<string> PartitionedStateDisk()
    {
        var disk = Path.Combine(_dir, "state.img");
        await using (var file = File.Create(disk))
        {
            file.SetLength(128 * MiB);
            var mbr = new byte[512];
            mbr[0x1BE + 4] = 0x83;
            BinaryPrimitives.WriteUInt32LittleEndian(mbr.AsSpan(0x1BE + 8), 2048);
            BinaryPrimitives.WriteUInt32LittleEndian(mbr.AsSpan(0x1BE + 12), (uint)((128 * MiB / 512) - 2048));
            mbr[510] = 0x55;
            mbr[511] = 0xAA;
            await file.WriteAsync(mbr, Ct);
        }
        await Run("/sbin/mkfs.ext4", "-q", "-F", "-L", "RANCHER_STATE", "-E", "offset=1048576", disk, "127M");
        return disk;
    }

    [Fact]
    public async Task Partition_1_and_the_mounted_state_ext4_grow_after_qemu_img_resize()
    {
        var disk = await PartitionedStateDisk();
        await Run("qemu-img", "resize", "-f", "raw", disk, "512M");

        await using var vm = new DiskVm(disk, "rancher.state.dev=LABEL=RANCHER_STATE rancher.state.wait rancher.resize_device=/dev/vda");
        await vm.InitializeAsync();

        var console = SerialConsole.Clean(vm.Vm.Console.Text);
        Assert.Contains("/dev/vda1 (ext4) mounted at /state", console, StringComparison.Ordinal);
        Assert.Matches(@"init: phase cloud-init: resize: partition vda1 grown to 511 MiB; /dev/vda1: The filesystem on /dev/vda1 is now \d+ \(\dk\) blocks long", console);
        var sizes = (await vm.Vm.RunAsync("cat /sys/class/block/vda1/size; df -k /state | tail -1 | awk '{print $2}'; ls /var/lib/rancher/resizefs.done", cancellationToken: Ct))
            .EnsureSuccess("sizes").Output.Split('\n');
        Assert.Equal(((512 * MiB / 512) - 2048).ToString(CultureInfo.InvariantCulture), sizes[0]);
        Assert.True(long.Parse(sizes[1], CultureInfo.InvariantCulture) > 400 * 1024, $"/state is {sizes[1]} KiB");
        Assert.Equal("/var/lib/rancher/resizefs.done", sizes[2]);
    }

    private sealed class DiskVm(string disk, string cmdline) : BootedVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "resize",
            Boot = BootMode.DirectKernel,
            Network = false,
            ExtraCmdline = cmdline,
            ExtraArgs = ["-drive", $"file={disk},format=raw,if=virtio"],
        };
    }
}
