using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>mount(2) flags CorralOS uses.</summary>
[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = Libc.MS_RDONLY,
    NoSuid = Libc.MS_NOSUID,
    NoDev = Libc.MS_NODEV,
    NoExec = Libc.MS_NOEXEC,
    Remount = Libc.MS_REMOUNT,
    RelAtime = Libc.MS_RELATIME,
    Synchronous = 16,
    DirSync = 128,
    NoAtime = 1024,
    NoDirAtime = 2048,
}

/// <summary>One line of /proc/self/mounts.</summary>
public sealed record MountEntry(string Source, string Target, string FileSystemType, string Options);

/// <summary>Mounting and unmounting filesystems.</summary>
public static class Mounts
{
    public static void Mount(string source, string target, string fileSystemType, MountFlags flags = MountFlags.None, string? data = null)
    {
        var result = Libc.mount(source, target, fileSystemType, (ulong)flags, data);
        SystemCallException.ThrowIfFailed(result, "mount", $"{fileSystemType} on {target}");
    }

    /// <summary>Binds <paramref name="source"/> on <paramref name="target"/>; <paramref name="recursive"/> brings the mounts under it too (mount --rbind).</summary>
    public static void Bind(string source, string target, bool recursive = false)
    {
        var result = Libc.mount(source, target, null, Libc.MS_BIND | (recursive ? Libc.MS_REC : 0), null);
        SystemCallException.ThrowIfFailed(result, "bind mount", $"{source} on {target}");
    }

    public static void Remount(string target, MountFlags flags, string? data = null)
    {
        var result = Libc.mount(null, target, null, (ulong)(flags | MountFlags.Remount), data);
        SystemCallException.ThrowIfFailed(result, "remount", target);
    }

    /// <summary>Unmounts <paramref name="target"/>; with <paramref name="detach"/> a busy mount is detached lazily.</summary>
    public static void Unmount(string target, bool detach = false)
    {
        var result = Libc.umount2(target, detach ? Libc.MNT_DETACH : 0);
        SystemCallException.ThrowIfFailed(result, "umount", target);
    }

    /// <summary>The mount table, in mount order.</summary>
    public static IReadOnlyList<MountEntry> Read(string mountsFile = "/proc/self/mounts")
    {
        var entries = new List<MountEntry>();
        foreach (var line in File.ReadLines(mountsFile))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 4)
            {
                entries.Add(new MountEntry(Unescape(fields[0]), Unescape(fields[1]), fields[2], fields[3]));
            }
        }
        return entries;
    }

    public static bool IsMountPoint(string target, string mountsFile = "/proc/self/mounts") =>
        File.Exists(mountsFile) && Read(mountsFile).Any(m => m.Target == target);

    // The kernel escapes space, tab, newline and backslash in /proc/mounts as \ooo octal.
    internal static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var chars = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                chars.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                chars.Append(field[i]);
            }
        }
        return chars.ToString();
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s.AsSpan(start, 3).IndexOfAnyExceptInRange('0', '7') < 0;
}
