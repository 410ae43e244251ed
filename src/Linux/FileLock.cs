using System.Runtime.InteropServices;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// An exclusive flock(2) on a lock file, held until disposed. The kernel drops it when the process dies, so a
/// killed writer never leaves the lock behind. Raw open(2), not FileStream: .NET takes its own flock on files it
/// opens, which would collide with this one.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) => _fd = fd;

    /// <summary>Blocks until the lock on <paramref name="path"/> (created 0600 if missing) is held.</summary>
    public static FileLock Acquire(string path)
    {
        var fd = Libc.open_mode(path, Libc.O_CREAT_RDWR_CLOEXEC, 0x180);
        SystemCallException.ThrowIfFailed(fd, "open", path);
        while (Libc.flock(fd, Libc.LOCK_EX) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EINTR)
            {
                Libc.close(fd);
                throw new SystemCallException("flock", path, errno);
            }
        }
        return new FileLock(fd);
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.close(fd);
        }
    }
}
