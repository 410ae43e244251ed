using CorralOS.Linux;

namespace CorralOS.Network;

/// <summary>
/// Replaces a file whole: a temporary file next to it, fsync, rename, directory fsync, so readers see the old or the
/// new content, never half. A file that is a bind-mount target (a container's /etc/resolv.conf) cannot be renamed
/// over (EBUSY); it is rewritten in place instead.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, string content, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("netconf writes files on Linux only");
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode }))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, mode);
            try
            {
                File.Move(temporary, path, overwrite: true);
            }
            catch (IOException) when (IsMountPoint(path))
            {
                File.WriteAllText(path, content);
                return;
            }
            Durability.SyncDirectory(directory);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>True when something is mounted on the file (its mount id differs from its directory's).</summary>
    private static bool IsMountPoint(string path)
    {
        var full = Path.GetFullPath(path);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && fields[4].Replace("\\040", " ", StringComparison.Ordinal) == full)
            {
                return true;
            }
        }
        return false;
    }
}
