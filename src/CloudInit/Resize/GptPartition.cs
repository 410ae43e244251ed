using System.Buffers.Binary;

namespace CorralOS.CloudInit.Resize;

/// <summary>
/// Growing the last partition of a GPT disk (CorralOS's installer puts RANCHER_STATE last) to the end of the disk
/// with Debian's sfdisk: after the disk was made larger the backup header is no longer at its end, so it is moved
/// there first (--relocate gpt-bak-std, which also moves the last usable sector), then the partition is given all
/// the space behind it (`, +` for -N). The kernel is not told (--no-tell-kernel, --no-reread: the disk is in use);
/// <see cref="PartitionTable"/> does that. The entries are read here from the primary header, as sfdisk wrote them.
/// </summary>
internal sealed class GptPartition(string sfdisk)
{
    private const int SectorSize = 512;
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(2);

    /// <summary>Whether sector 0 is a protective MBR (its first entry of type 0xEE).</summary>
    public static bool IsGpt(string device)
    {
        var sector = new byte[SectorSize];
        using (var disk = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            disk.ReadExactly(sector);
        }
        return sector[510] == 0x55 && sector[511] == 0xAA && sector[0x1BE + 4] == 0xEE;
    }

    /// <summary>
    /// Moves the backup header to the disk's end and grows the last partition; returns its number, start and length
    /// in sectors and whether it grew. Throws IOException when the table cannot be read or sfdisk fails.
    /// </summary>
    public async Task<(int Number, long Start, long Sectors, bool Grew)> GrowLastAsync(string device, CancellationToken cancellationToken)
    {
        var (number, start, before) = Last(device);
        await SfdiskAsync(device, ["--relocate", "gpt-bak-std", device], null, cancellationToken).ConfigureAwait(false);
        await SfdiskAsync(device, ["--no-reread", "--no-tell-kernel", "-N", number.ToString(System.Globalization.CultureInfo.InvariantCulture), device], ", +\n", cancellationToken).ConfigureAwait(false);
        var (_, _, after) = Last(device);
        return (number, start, after, after > before);
    }

    private async Task SfdiskAsync(string device, string[] arguments, string? input, CancellationToken cancellationToken)
    {
        var result = await ChildProcess.RunAsync(sfdisk, arguments, s_limit, cancellationToken, input).ConfigureAwait(false)
            ?? throw new IOException($"{sfdisk} {string.Join(' ', arguments)}: no answer within {s_limit.TotalMinutes:0} min");
        if (result.ExitCode != 0)
        {
            throw new IOException($"{device}: sfdisk {arguments[0]} failed (exit {result.ExitCode}): {result.LastLine}");
        }
    }

    /// <summary>The used entry that starts last: its number (1-based), first sector and length in sectors.</summary>
    public static (int Number, long Start, long Sectors) Last(string device)
    {
        using var disk = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = new byte[SectorSize];
        disk.Position = SectorSize;
        disk.ReadExactly(header);
        if (!header.AsSpan(0, 8).SequenceEqual("EFI PART"u8))
        {
            throw new IOException($"{device}: no GPT header at sector 1");
        }
        var entriesAt = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(72));
        var count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
        var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
        if (count is 0 or > 1024 || size is < 128 or > 4096)
        {
            throw new IOException($"{device}: implausible GPT header ({count} entries of {size} bytes)");
        }
        var entries = new byte[count * size];
        disk.Position = entriesAt * SectorSize;
        disk.ReadExactly(entries);
        (int Number, long Start, long Sectors)? last = null;
        for (var i = 0; i < count; i++)
        {
            var entry = entries.AsSpan((int)(i * size), (int)size);
            if (entry[..16].IndexOfAnyExcept((byte)0) < 0)
            {
                continue; // type GUID zero: unused
            }
            var first = BinaryPrimitives.ReadInt64LittleEndian(entry[32..]);
            var end = BinaryPrimitives.ReadInt64LittleEndian(entry[40..]);
            if (last is null || first > last.Value.Start)
            {
                last = (i + 1, first, end - first + 1);
            }
        }
        return last ?? throw new IOException($"{device}: the GPT has no partition");
    }
}
