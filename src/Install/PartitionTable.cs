using System.Diagnostics;

namespace CorralOS.Install;

/// <summary>
/// Writes a new partition table with sfdisk (its input script, old signatures wiped) and waits for the kernel's
/// partition nodes. generic: GPT with a 1 MiB BIOS boot partition (GRUB's core image for BIOS), a 100 MiB EFI System
/// Partition and RANCHER_STATE over the rest; msdos: MBR with one bootable RANCHER_STATE (GRUB's core image goes in
/// the gap before it).
/// </summary>
public static class PartitionTable
{
    public const string StateLabel = "RANCHER_STATE";
    private const string BiosBootType = "21686148-6449-6E6F-744E-656564454649";
    private const string EspType = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    private const string LinuxType = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    private static readonly TimeSpan s_nodeWait = TimeSpan.FromSeconds(15);

    /// <summary>The sfdisk script of a layout (partitions start 1 MiB aligned, sfdisk's default).</summary>
    public static string Script(InstallType type) => type switch
    {
        InstallType.Generic =>
            "label: gpt\n" +
            $"size=1MiB, type={BiosBootType}, name=\"BIOS boot\"\n" +
            $"size=100MiB, type={EspType}, name=\"EFI System\"\n" +
            $"type={LinuxType}, name=\"{StateLabel}\"\n",
        InstallType.Msdos =>
            "label: dos\n" +
            "type=83, bootable\n",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "only generic and msdos create partitions"),
    };

    public static DiskLayout Write(TargetDisk disk, InstallType type, string sfdisk = "sfdisk")
    {
        Tool.Run(sfdisk, ["--quiet", "--wipe", "always", "--wipe-partitions", "always", disk.Device], Script(type));
        var layout = type == InstallType.Generic
            ? new DiskLayout(disk.PartitionPath(3), disk.PartitionPath(3), disk.PartitionPath(2), BiosBoot: true)
            : new DiskLayout(disk.PartitionPath(1), disk.PartitionPath(1), null, BiosBoot: true);
        WaitForNodes([layout.State, .. layout.Esp is null ? Array.Empty<string>() : [layout.Esp]]);
        return layout;
    }

    // sfdisk asks the kernel to re-read the table; devtmpfs makes the nodes as the kernel adds the partitions.
    private static void WaitForNodes(IReadOnlyList<string> nodes)
    {
        var clock = Stopwatch.StartNew();
        while (!nodes.All(File.Exists))
        {
            if (clock.Elapsed > s_nodeWait)
            {
                throw new InstallException($"the kernel did not show {string.Join(", ", nodes.Where(n => !File.Exists(n)))} after partitioning");
            }
            Thread.Sleep(100);
        }
    }
}
