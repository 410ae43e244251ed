using System.Runtime.InteropServices;

namespace CorralOS.CloudInit.Resize;

/// <summary>
/// Tells the kernel a partition's new size while it is in use (BLKPG_RESIZE_PARTITION, what partx --update and
/// growpart use): re-reading the whole table (BLKRRPART) is refused on a disk with a mounted partition.
/// </summary>
internal static partial class PartitionTable
{
    private const uint Blkpg = 0x1269;
    private const int ResizePartition = 3;

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct BlkpgPartition
    {
        public long Start;
        public long Length;
        public int Number;
        public fixed byte DeviceName[64];
        public fixed byte VolumeName[64];
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct BlkpgArgument
    {
        public int Operation;
        public int Flags;
        public int DataLength;
        public void* Data;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int ioctl(int fd, nuint request, BlkpgArgument* argument);

    public static unsafe void Resize(string device, int number, long startBytes, long lengthBytes)
    {
        using var disk = new FileStream(device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var partition = new BlkpgPartition { Start = startBytes, Length = lengthBytes, Number = number };
        var argument = new BlkpgArgument { Operation = ResizePartition, DataLength = sizeof(BlkpgPartition), Data = &partition };
        if (ioctl((int)disk.SafeFileHandle.DangerousGetHandle(), Blkpg, &argument) != 0)
        {
            throw new IOException($"{device}: the kernel refused partition {number}'s new size (BLKPG: errno {Marshal.GetLastPInvokeError()})");
        }
    }
}
