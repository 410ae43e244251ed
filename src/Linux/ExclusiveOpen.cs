using System.Runtime.InteropServices;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// Whether anything holds a block device: open(2) with O_EXCL fails with EBUSY when the device, or for a whole disk
/// any of its partitions, is mounted, used as swap or held by device-mapper or md, in any mount namespace.
/// </summary>
public static class ExclusiveOpen
{
    private const int O_RDONLY = 0;
    private const int O_EXCL = 0x80;
    private const int EBUSY = 16;

    public static bool IsBusy(string device)
    {
        var fd = Libc.open(device, O_RDONLY | O_EXCL | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EBUSY)
            {
                return true;
            }
            throw new SystemCallException("open", device, errno);
        }
        Libc.close(fd);
        return false;
    }
}
