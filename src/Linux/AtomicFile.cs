using System.Globalization;

namespace CorralOS.Linux;

/// <summary>
/// Replaces a file whole, so that readers (and a crash) see the old content or the new, never a part: the content goes
/// to a hidden temporary file beside it (a leading dot, so loaders of a directory's files never take it for one), gets
/// its exact mode, and is renamed over the file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class AtomicFile
{
    private static int s_sequence;

    /// <param name="path">The file; its directory is created when missing.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="mode">The file's mode, exactly (not narrowed by the umask); null leaves the default of a new file.</param>
    /// <param name="durable">
    /// Synced to disk before the rename and the rename synced after, so a power cut too leaves the old file or the new.
    /// Without it the rename is still atomic for readers and for a crash of the process (the page cache outlives it),
    /// and costs no journal commit: for what goes stale anyway when the machine stops.
    /// </param>
    /// <param name="journalBlindReaders">
    /// Durable for readers that do not replay the filesystem's journal (GRUB): the whole filesystem is synced to its home
    /// locations before the rename and after it (<see cref="Durability.SyncFileSystem"/>), not only the file and its
    /// directory. Implies <paramref name="durable"/>.
    /// </param>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null, bool durable = true, bool journalBlindReaders = false)
    {
        durable |= journalBlindReaders;
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(full)}.tmp-{Environment.ProcessId}-{Interlocked.Increment(ref s_sequence)}"));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (mode is { } createMode)
            {
                options.UnixCreateMode = createMode;
            }
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: durable);
            }
            if (mode is { } exact)
            {
                File.SetUnixFileMode(temporary, exact);
            }
            if (journalBlindReaders)
            {
                Durability.SyncFileSystem(directory);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        if (journalBlindReaders)
        {
            Durability.SyncFileSystem(directory);
        }
        else if (durable)
        {
            Durability.SyncDirectory(directory);
        }
    }

    /// <summary>The same for text, written as UTF-8.</summary>
    public static void Write(string path, string text, UnixFileMode? mode = null, bool durable = true) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), mode, durable);
}
