using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// Makes sure fds 0, 1 and 2 are open. The kernel starts its usermode helpers (a modprobe, a core dump pipe) with
/// them closed, and the .NET console aborts the process when it cannot duplicate a standard stream.
/// </summary>
public static class StandardStreams
{
    public static void EnsureOpen()
    {
        for (var fd = 0; fd <= 2; fd++)
        {
            if (Libc.fcntl(fd, Libc.F_GETFD) >= 0)
            {
                continue;
            }
            var devNull = Libc.open("/dev/null", Libc.O_RDWR);
            if (devNull < 0)
            {
                return; // No /dev yet; nothing better to offer.
            }
            if (devNull != fd)
            {
                Libc.dup2(devNull, fd);
                Libc.close(devNull);
            }
        }
    }
}
