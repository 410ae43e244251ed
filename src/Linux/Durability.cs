using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>fsync for what .NET cannot open: a rename is durable only once its directory is synced.</summary>
public static class Durability
{
    public static void SyncDirectory(string directory)
    {
        var fd = Libc.open_mode(directory, Libc.O_DIRECTORY_RDONLY_CLOEXEC, 0);
        SystemCallException.ThrowIfFailed(fd, "open", directory);
        try
        {
            SystemCallException.ThrowIfFailed(Libc.fsync(fd), "fsync", directory);
        }
        finally
        {
            Libc.close(fd);
        }
    }
}
