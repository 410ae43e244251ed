using System.Buffers.Binary;
using System.Diagnostics;
using CorralOS.CloudInit.Resize;

namespace CorralOS.CloudInit.Tests;

/// <summary>
/// rancher.resize_device: the MBR entry of partition 1 grown to the end of a disk image made larger (as qemu-img
/// resize does), refusals (a GPT as MBR, a partition behind it), the last partition of a GPT image grown with Debian's
/// sfdisk after its backup header was moved to the new end, and the whole-disk ext4 of a real loop device grown by
/// resize2fs, once. The kernel side of a mounted partition (BLKPG, online resize, which needs CAP_SYS_RESOURCE this
/// build host does not give) is proven by the QEMU boot test CloudInitResizeBootTests.
/// </summary>
public sealed class DiskResizeTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDir _dir = new();
    private readonly LoopDevices _loops = new();

    public void Dispose()
    {
        _loops.Dispose();
        _dir.Dispose();
    }

    private string Stamp => Path.Combine(_dir.Path, "var/lib/rancher/resizefs.done");

    // An msdos table as fdisk writes it: partition 1, Linux (0x83), from sector 2048 to the end of a disk of `size` bytes.
    private string PartitionedImage(long size, byte type = 0x83)
    {
        var image = Path.Combine(_dir.Path, "disk.img");
        using var file = File.Create(image);
        file.SetLength(size);
        var mbr = new byte[512];
        var entry = mbr.AsSpan(0x1BE, 16);
        entry[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], 2048);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], (uint)((size / 512) - 2048));
        mbr[510] = 0x55;
        mbr[511] = 0xAA;
        file.Write(mbr);
        return image;
    }

    private static uint EntrySectors(string image, int index = 0)
    {
        var mbr = new byte[512];
        using var file = File.OpenRead(image);
        file.ReadExactly(mbr);
        return BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(0x1BE + (index * 16) + 12));
    }

    private static void SetLength(string image, long size)
    {
        using var file = File.Open(image, FileMode.Open);
        file.SetLength(size);
    }

    [Fact]
    public void Partition_1_is_grown_to_the_end_of_the_larger_disk_and_left_alone_when_it_reaches_it()
    {
        var image = PartitionedImage(64 * MiB);
        SetLength(image, 160 * MiB);

        var grown = MbrPartition.GrowFirst(image, 160 * MiB / 512);

        Assert.Equal((2048L, (160 * MiB / 512) - 2048), grown);
        Assert.Equal((uint)((160 * MiB / 512) - 2048), EntrySectors(image));
        Assert.Null(MbrPartition.GrowFirst(image, 160 * MiB / 512));
    }

    [Fact]
    public void A_partition_behind_partition_1_or_a_GPT_is_refused()
    {
        var image = PartitionedImage(64 * MiB);
        using (var file = File.Open(image, FileMode.Open))
        {
            file.Position = 0x1BE + 16 + 4;
            file.WriteByte(0x82); // partition 2: swap, starting at sector 100000
            file.Position = 0x1BE + 16 + 8;
            file.Write(BitConverter.GetBytes(100000u));
        }
        var behind = Assert.Throws<IOException>(() => MbrPartition.GrowFirst(image, 128 * MiB / 512));
        Assert.Equal($"{image}: partition 2 lies behind partition 1, which cannot grow", behind.Message);

        var gpt = PartitionedImage(64 * MiB, type: 0xEE); // the protective MBR of a GPT disk
        var refused = Assert.Throws<IOException>(() => MbrPartition.GrowFirst(gpt, 128 * MiB / 512));
        Assert.Equal($"{gpt}: a GPT disk (its protective MBR), not grown as MBR", refused.Message);
        Assert.True(GptPartition.IsGpt(gpt));
    }

    // `ros install`'s layout written by the host's sfdisk: BIOS boot, ESP, then the state partition to the end of 64 MiB.
    private string GptImage()
    {
        var image = Path.Combine(_dir.Path, "gpt.img");
        using (var file = File.Create(image))
        {
            file.SetLength(64 * MiB);
        }
        var info = new ProcessStartInfo("sfdisk") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-q");
        info.ArgumentList.Add(image);
        using var sfdisk = Process.Start(info)!;
        sfdisk.StandardInput.Write("label: gpt\nsize=1MiB, type=21686148-6449-6E6F-744E-656564454649\nsize=8MiB, type=U\ntype=L, name=RANCHER_STATE\n");
        sfdisk.StandardInput.Close();
        var error = sfdisk.StandardError.ReadToEnd();
        sfdisk.WaitForExit();
        Assert.True(sfdisk.ExitCode == 0, error);
        return image;
    }

    [Fact]
    public async Task The_last_GPT_partition_grows_to_the_last_usable_sector_once_the_backup_header_is_moved()
    {
        var image = GptImage();
        var before = GptPartition.Last(image);
        Assert.Equal(3, before.Number);
        Assert.Equal(20480, before.Start);
        SetLength(image, 160 * MiB);
        var gpt = new GptPartition("sfdisk");

        var grown = await gpt.GrowLastAsync(image, TestContext.Current.CancellationToken);

        // The backup entries (32 sectors) and header (1) take the last 33 sectors: the last usable one is 34 from the end.
        var last = (160 * MiB / 512) - 34;
        Assert.Equal((3, 20480L, last - 20480 + 1, true), grown);
        var dump = Tool.Run("sfdisk", "--dump", image);
        Assert.Contains($"last-lba: {last}\n", dump, StringComparison.Ordinal);
        Assert.Contains($"start=       20480, size=      {last - 20480 + 1}, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4", dump, StringComparison.Ordinal);
        Assert.Contains("No errors detected.", Tool.Run("sfdisk", "--verify", image), StringComparison.Ordinal);
        Assert.Equal((3, 20480L, last - 20480 + 1, false), await gpt.GrowLastAsync(image, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_whole_disk_ext4_on_a_larger_loop_device_is_grown_once()
    {
        var image = Path.Combine(_dir.Path, "whole.img");
        using (var file = File.Create(image))
        {
            file.SetLength(64 * MiB);
        }
        Tool.Run("mkfs.ext4", "-q", "-F", "-b", "4096", image);
        SetLength(image, 128 * MiB);
        var loop = _loops.Attach(image);

        var done = await new DiskResize("resize2fs").RunAsync(loop, Stamp, TestContext.Current.CancellationToken);

        Assert.Equal($"{loop}: The filesystem on {loop} is now 32768 (4k) blocks long.", done);
        Assert.Contains("Block count:              32768", Tool.Run("dumpe2fs", "-h", loop), StringComparison.Ordinal);
        Assert.True(File.Exists(Stamp));
        Assert.Equal($"{loop}: already resized ({Stamp})", await new DiskResize("resize2fs").RunAsync(loop, Stamp, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_missing_disk_is_reported_and_nothing_is_stamped()
    {
        var e = await Assert.ThrowsAsync<IOException>(() => new DiskResize("resize2fs").RunAsync("/dev/corral-no-such-disk", Stamp, TestContext.Current.CancellationToken));

        Assert.Equal("/dev/corral-no-such-disk: no such disk", e.Message);
        Assert.False(File.Exists(Stamp));
    }
}
