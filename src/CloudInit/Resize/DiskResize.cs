using System.Globalization;

namespace CorralOS.CloudInit.Resize;

/// <summary>
/// rancher.resize_device (reference §5.3, once: stamp /var/lib/rancher/resizefs.done): after the disk was made
/// larger, grow partition 1 to the end of the disk (MBR, as growpart) and its ext4 with resize2fs (online when
/// mounted). A disk formatted whole (CorralOS's state autoformat) has its filesystem grown directly.
/// </summary>
public sealed class DiskResize
{
    public const string DefaultStamp = "/var/lib/rancher/resizefs.done";

    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(10);
    private readonly string _resize2fs;
    private readonly string _sysRoot;

    public DiskResize(string resize2fs = "/sbin/resize2fs", string sysRoot = "/sys")
    {
        _resize2fs = resize2fs;
        _sysRoot = sysRoot;
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
        MbrPartition.RefuseGpt(device);
        var target = device;
        var done = new List<string>();
        if (FirstPartition(block, name) is { } partition)
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
        AtomicFile.Write(stamp, [], AtomicFile.Private);
        return string.Join("; ", done);
    }

    // vda → vda1, nvme0n1 → nvme0n1p1, mmcblk0 → mmcblk0p1 (as sysfs names them under the disk).
    private static string? FirstPartition(string block, string name) =>
        new[] { name + "1", name + "p1" }.FirstOrDefault(p => Directory.Exists(Path.Combine(block, p)));
}
