using System.Buffers.Binary;
using System.Text;

namespace CorralOS.Init.Storage;

/// <summary>What a block device's first bytes say it holds.</summary>
public sealed record FileSystemSignature(string Type, string Label, string Uuid);

/// <summary>
/// Reads filesystem signatures the way blkid does, for the types CorralOS boots from or configures itself
/// with: ext2/3/4 (state), ISO9660 and vfat (config drives, NoCloud), erofs (the system images file).
/// </summary>
public static class FileSystemProbe
{
    /// <summary>How much of the device the probes need.</summary>
    public const int ProbeLength = 64 * 1024;

    public static FileSystemSignature? Probe(string device)
    {
        try
        {
            using var stream = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            var buffer = new byte[ProbeLength];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Probe(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static FileSystemSignature? Probe(ReadOnlySpan<byte> head) => ProbeExt(head) ?? ProbeErofs(head) ?? ProbeIso9660(head) ?? ProbeFat(head);

    private static FileSystemSignature? ProbeExt(ReadOnlySpan<byte> head)
    {
        const int superblock = 1024;
        if (head.Length < superblock + 256 || BinaryPrimitives.ReadUInt16LittleEndian(head[(superblock + 56)..]) != 0xEF53)
        {
            return null;
        }
        var compat = BinaryPrimitives.ReadUInt32LittleEndian(head[(superblock + 92)..]);
        var incompat = BinaryPrimitives.ReadUInt32LittleEndian(head[(superblock + 96)..]);
        // ext4 has extents, 64bit or flex_bg (incompat 0x40/0x80/0x200); ext3 a journal (compat 0x4).
        var type = (incompat & 0x2C0u) != 0 ? "ext4" : (compat & 0x4) != 0 ? "ext3" : "ext2";
        var uuid = new Guid(head.Slice(superblock + 104, 16), bigEndian: true).ToString();
        return new FileSystemSignature(type, CString(head.Slice(superblock + 120, 16)), uuid);
    }

    private static FileSystemSignature? ProbeErofs(ReadOnlySpan<byte> head)
    {
        const int superblock = 1024;
        if (head.Length < superblock + 128 || BinaryPrimitives.ReadUInt32LittleEndian(head[superblock..]) != 0xE0F5E1E2)
        {
            return null;
        }
        var uuid = new Guid(head.Slice(superblock + 48, 16), bigEndian: true).ToString();
        return new FileSystemSignature("erofs", CString(head.Slice(superblock + 64, 16)), uuid);
    }

    private static FileSystemSignature? ProbeIso9660(ReadOnlySpan<byte> head)
    {
        const int descriptor = 16 * 2048;
        if (head.Length < descriptor + 2048 || head[descriptor] != 1 || !head.Slice(descriptor + 1, 5).SequenceEqual("CD001"u8))
        {
            return null;
        }
        // blkid's ISO UUID is the volume creation time: yyyy-mm-dd-hh-mm-ss-cc.
        var created = Encoding.ASCII.GetString(head.Slice(descriptor + 813, 16));
        var uuid = created.All(char.IsAsciiDigit)
            ? $"{created[..4]}-{created[4..6]}-{created[6..8]}-{created[8..10]}-{created[10..12]}-{created[12..14]}-{created[14..16]}"
            : "";
        return new FileSystemSignature("iso9660", Encoding.ASCII.GetString(head.Slice(descriptor + 40, 32)).TrimEnd(' ', '\0'), uuid);
    }

    private static FileSystemSignature? ProbeFat(ReadOnlySpan<byte> head)
    {
        if (head.Length < 512 || head[510] != 0x55 || head[511] != 0xAA)
        {
            return null;
        }
        // FAT32 keeps its extended boot record at 64, FAT12/16 at 36; both name their type 18 bytes later.
        foreach (var ebr in new[] { 64, 36 })
        {
            var kind = Encoding.ASCII.GetString(head.Slice(ebr + 18, 8));
            if (kind.StartsWith("FAT", StringComparison.Ordinal) && head[ebr + 2] == 0x29)
            {
                var serial = BinaryPrimitives.ReadUInt32LittleEndian(head[(ebr + 3)..]);
                var label = Encoding.ASCII.GetString(head.Slice(ebr + 7, 11)).TrimEnd(' ');
                return new FileSystemSignature("vfat", label == "NO NAME" ? "" : label, $"{serial >> 16:X4}-{serial & 0xFFFF:X4}");
            }
        }
        return null;
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
