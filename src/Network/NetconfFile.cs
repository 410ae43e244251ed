using CorralOS.Linux;

namespace CorralOS.Network;

/// <summary>
/// How netconf replaces a file: atomically and durably (<see cref="AtomicFile"/>), except a file that is a bind-mount
/// target (a container's /etc/resolv.conf), which cannot be renamed over (EBUSY) and is rewritten in place instead.
/// </summary>
internal static class NetconfFile
{
    /// <summary>rw-r--r--: what netconf writes is read by every container and user.</summary>
    private const UnixFileMode WorldReadable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Write(string path, string content, UnixFileMode mode = WorldReadable)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("netconf writes files on Linux only");
        }
        try
        {
            AtomicFile.Write(path, content, mode);
        }
        catch (IOException) when (IsMountPoint(path))
        {
            File.WriteAllText(path, content);
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
