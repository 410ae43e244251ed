using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// rancher.resize_device on the two layouts a state disk has: RancherOS's MBR disk whose partition 1 holds the ext4
/// state (RANCHER_STATE), and CorralOS's installer's GPT disk (BIOS boot partition, ESP, RANCHER_STATE last), made
/// larger with qemu-img resize while the VM is off. At boot PID 1 mounts the state, grows its partition to the end of
/// the disk (on GPT after moving the backup header there, with sfdisk; the kernel told with BLKPG while it is
/// mounted) and its ext4 online, once.
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
    private async Task<string> MbrStateDisk()
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

    // 128 MiB laid out as `ros install` does (src/Install): GPT, a 1 MiB BIOS boot partition, an 8 MiB ESP, then
    // RANCHER_STATE from sector 20480 (10 MiB), 114 MiB of ext4, written by the host's sfdisk.
    private async Task<string> GptStateDisk()
    {
        var disk = Path.Combine(_dir, "state.img");
        await using (var file = File.Create(disk))
        {
            file.SetLength(128 * MiB);
        }
        var sfdisk = new ProcessStartInfo("/sbin/sfdisk") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        sfdisk.ArgumentList.Add("-q");
        sfdisk.ArgumentList.Add(disk);
        using (var process = Process.Start(sfdisk)!)
        {
            await process.StandardInput.WriteAsync("label: gpt\n"
                + "start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649\n"
                + "start=4096, size=16384, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n"
                + "start=20480, size=233472, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=RANCHER_STATE\n");
            process.StandardInput.Close();
            var error = await process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.True(process.ExitCode == 0, $"sfdisk failed ({process.ExitCode}): {error}");
        }
        await Run("/sbin/mkfs.ext4", "-q", "-F", "-L", "RANCHER_STATE", "-E", "offset=10485760", disk, "114M");
        return disk;
    }

    public static TheoryData<string, string, long> Layouts => new()
    {
        // table, the state partition, its length in sectors on the 512 MiB disk
        { "msdos", "vda1", (512 * MiB / 512) - 2048 },
        // GPT: up to the last usable sector, before the 33 sectors of the backup entries and header.
        { "gpt", "vda3", (512 * MiB / 512) - 34 - 20480 + 1 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task The_state_partition_and_its_mounted_ext4_grow_after_qemu_img_resize(string table, string partition, long sectors)
    {
        var disk = table == "gpt" ? await GptStateDisk() : await MbrStateDisk();
        await Run("qemu-img", "resize", "-f", "raw", disk, "512M");

        await using var vm = new DiskVm(disk, "rancher.state.dev=LABEL=RANCHER_STATE rancher.state.wait rancher.resize_device=/dev/vda");
        await vm.InitializeAsync();

        var console = SerialConsole.Clean(vm.Vm.Console.Text);
        Assert.Contains($"/dev/{partition} (ext4) mounted at /state", console, StringComparison.Ordinal);
        Assert.Matches($@"init: phase cloud-init: resize: partition {partition} grown to {sectors * 512 / MiB} MiB; /dev/{partition}: The filesystem on /dev/{partition} is now \d+ \(\dk\) blocks long", console);
        var sizes = (await vm.Vm.RunAsync($"cat /sys/class/block/{partition}/size; df -k /state | tail -1 | awk '{{print $2}}'; ls /var/lib/rancher/resizefs.done", cancellationToken: Ct))
            .EnsureSuccess("sizes").Output.Split('\n');
        Assert.Equal(sectors.ToString(CultureInfo.InvariantCulture), sizes[0]);
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
