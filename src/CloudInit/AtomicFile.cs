using System.Globalization;
using CorralOS.Linux;

namespace CorralOS.CloudInit;

/// <summary>
/// Whole-file writes that readers see as the old or the new file, never a mix: temporary file in the same directory
/// (hidden, so the config loader never reads it), exact mode, fsync, rename, fsync of the directory.
/// </summary>
internal static class AtomicFile
{
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode PrivateExecutable = Private | UnixFileMode.UserExecute;

    public static void Write(string path, byte[] content, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("cloud-init files are written with Linux modes and fsync");
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory); // as CloudConfigStore does; the files themselves carry the private mode
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.tmp-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, mode); // umask may have taken bits off
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        Durability.SyncDirectory(directory);
    }

    /// <summary>Removes a file this boot's datasource no longer provides; true when there was one.</summary>
    public static bool Remove(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        Durability.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return true;
    }
}
