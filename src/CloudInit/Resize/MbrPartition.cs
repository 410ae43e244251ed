using System.Buffers.Binary;

namespace CorralOS.CloudInit.Resize;

/// <summary>
/// Growing partition 1 of an MBR (msdos) disk to the end of the disk, as growpart does: the table entry's sector
/// count is rewritten when no other partition lies behind it. GPT disks (a protective 0xEE entry) are
/// <see cref="GptPartition"/>'s.
/// </summary>
internal static class MbrPartition
{
    private const int SectorSize = 512;
    private const int TableOffset = 0x1BE;
    private const int EntrySize = 16;

    /// <summary>Partition 1's start and new length in sectors, or null when it already reaches the end; throws IOException when it cannot grow.</summary>
    public static (long Start, long Sectors)? GrowFirst(string device, long diskSectors)
    {
        var sector = new byte[SectorSize];
        using var disk = new FileStream(device, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        disk.ReadExactly(sector);
        if (sector[510] != 0x55 || sector[511] != 0xAA)
        {
            throw new IOException($"{device}: no MBR partition table");
        }
        var entry = sector.AsSpan(TableOffset, EntrySize);
        if (entry[4] == 0xEE)
        {
            throw new IOException($"{device}: a GPT disk (its protective MBR), not grown as MBR");
        }
        long start = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
        long length = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
        for (var i = 1; i < 4; i++)
        {
            var other = sector.AsSpan(TableOffset + (i * EntrySize), EntrySize);
            if (other[4] != 0 && BinaryPrimitives.ReadUInt32LittleEndian(other[8..]) > start)
            {
                throw new IOException($"{device}: partition {i + 1} lies behind partition 1, which cannot grow");
            }
        }
        var wanted = Math.Min(diskSectors, uint.MaxValue) - start;
        if (wanted <= length)
        {
            return null;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], (uint)wanted);
        disk.Position = 0;
        disk.Write(sector);
        disk.Flush(flushToDisk: true);
        return (start, wanted);
    }
}
