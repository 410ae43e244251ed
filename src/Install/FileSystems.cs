namespace CorralOS.Install;

/// <summary>
/// mkfs for the new partitions: ext4 RANCHER_STATE with a UUID chosen here (GRUB's image searches for it), and FAT32
/// for the ESP. Features GRUB 2.06 cannot read are left off the ext4 whatever mke2fs.conf says.
/// </summary>
public static class FileSystems
{
    public const string EspLabel = "EFI";

    public static void MakeState(string partition, Guid uuid, string mkfs = "mkfs.ext4") =>
        Tool.Run(mkfs, ["-F", "-q", "-L", PartitionTable.StateLabel, "-U", uuid.ToString(), "-O", "^metadata_csum_seed,^orphan_file", partition]);

    public static void MakeEsp(string partition, string mkfs = "mkfs.fat") =>
        Tool.Run(mkfs, ["-F", "32", "-n", EspLabel, partition]);
}
