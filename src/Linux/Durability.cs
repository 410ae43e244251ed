using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// fsync for what .NET cannot open: a rename is durable only once its directory is synced; and syncfs for readers that
/// do not replay the journal.
/// </summary>
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

    /// <summary>
    /// Writes the whole filesystem holding <paramref name="directory"/> to its home locations (syncfs), for readers
    /// that do not replay the journal, such as GRUB: fsync only commits a change to ext4's journal, and the journal
    /// is written back to the inodes, directories and bitmaps where GRUB looks only later (within about 30 s), so a
    /// power loss in between shows GRUB the old files. The fsync after it makes the device flush its cache.
    /// </summary>
    public static void SyncFileSystem(string directory)
    {
        var fd = Libc.open_mode(directory, Libc.O_DIRECTORY_RDONLY_CLOEXEC, 0);
        SystemCallException.ThrowIfFailed(fd, "open", directory);
        try
        {
            SystemCallException.ThrowIfFailed(Libc.syncfs(fd), "syncfs", directory);
            SystemCallException.ThrowIfFailed(Libc.fsync(fd), "fsync", directory);
        }
        finally
        {
            Libc.close(fd);
        }
    }
}
