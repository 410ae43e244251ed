using System.Globalization;
using CorralOS.Linux;

namespace CorralOS.CloudInit.Resize;

/// <summary>
/// rancher.resize_device (reference §5.3, once: stamp /var/lib/rancher/resizefs.done): after the disk was made
/// larger, grow a partition to the end of the disk and its ext4 with resize2fs (online when mounted): on an MBR disk
/// partition 1 (as growpart, RancherOS's layout), on a GPT disk the last partition (CorralOS's installer puts the
/// state there) with sfdisk (<see cref="GptPartition"/>). A disk formatted whole (CorralOS's state autoformat) has
/// its filesystem grown directly.
/// </summary>
public sealed class DiskResize
{
    public const string DefaultStamp = "/var/lib/rancher/resizefs.done";

    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(10);
    private readonly string _resize2fs;
    private readonly string _sysRoot;
    private readonly GptPartition _gpt;

    public DiskResize(string resize2fs = "/sbin/resize2fs", string sysRoot = "/sys", string sfdisk = "/sbin/sfdisk")
    {
        _resize2fs = resize2fs;
        _sysRoot = sysRoot;
        _gpt = new GptPartition(sfdisk);
    }

    /// <summary>Grows <paramref name="device"/> unless <paramref name="stamp"/> exists; returns what was done. Throws IOException.</summary>
    public async Task<string> RunAsync(string device, string stamp, CancellationToken cancellationToken)
    {
        if (File.Exists(stamp))
        {
            return $"{device}: already resized ({stamp})";
        }
        var name = Path.GetFileName(device);
        var block = Path.Combine(_sysRoot, "class/block", name);
        if (!Directory.Exists(block))
        {
            throw new IOException($"{device}: no such disk");
        }
        var target = device;
        var done = new List<string>();
        if (GptPartition.IsGpt(device))
        {
            var grown = await _gpt.GrowLastAsync(device, cancellationToken).ConfigureAwait(false);
            var partition = Partition(block, name, grown.Number) ?? throw new IOException($"{device}: partition {grown.Number} is not in {block}");
            target = Path.Combine(Path.GetDirectoryName(device)!, partition);
            if (grown.Grew)
            {
                PartitionTable.Resize(device, grown.Number, grown.Start * 512, grown.Sectors * 512);
                done.Add($"partition {partition} grown to {grown.Sectors * 512 / 1024 / 1024} MiB");
            }
        }
        else if (Partition(block, name, 1) is { } partition)
        {
            target = Path.Combine(Path.GetDirectoryName(device)!, partition);
            var sectors = long.Parse(File.ReadAllText(Path.Combine(block, "size")).Trim(), CultureInfo.InvariantCulture);
            if (MbrPartition.GrowFirst(device, sectors) is { } grown)
            {
                PartitionTable.Resize(device, 1, grown.Start * 512, grown.Sectors * 512);
                done.Add($"partition {partition} grown to {grown.Sectors * 512 / 1024 / 1024} MiB");
            }
        }
        var result = await ChildProcess.RunAsync(_resize2fs, [target], s_limit, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"{_resize2fs} {target}: no answer within {s_limit.TotalMinutes:0} min");
        if (result.ExitCode != 0)
        {
            throw new IOException($"{_resize2fs} {target}: exit {result.ExitCode}: {result.LastLine}");
        }
        // resize2fs prints its banner on stderr and the outcome ("... is now N (4k) blocks long.") on stdout.
        done.Add($"{target}: {new ChildResult(0, result.Output, "").LastLine}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stamp))!);
        AtomicFile.Write(stamp, [], SavedFile.Private);
        return string.Join("; ", done);
    }

    // Partition 3 of vda → vda3, of nvme0n1 → nvme0n1p3, of mmcblk0 → mmcblk0p3 (as sysfs names them under the disk).
    private static string? Partition(string block, string name, int number) =>
        new[] { $"{name}{number}", $"{name}p{number}" }.FirstOrDefault(p => Directory.Exists(Path.Combine(block, p)));
}
