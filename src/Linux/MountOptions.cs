namespace CorralOS.Linux;

/// <summary>An fstab-style option string split into mount(2) flags and the filesystem's own data.</summary>
public sealed record MountOptions(MountFlags Flags, string Data)
{
    // fstab words that say when or by whom to mount, not how: mount(2) must not see them.
    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal) { "defaults", "auto", "noauto", "nofail", "user", "nouser", "users", "_netdev", "rw", "suid", "dev", "exec", "atime" };

    public static MountOptions Parse(string? options)
    {
        var flags = MountFlags.None;
        var data = new List<string>();
        foreach (var option in (options ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (option)
            {
                case "ro": flags |= MountFlags.ReadOnly; break;
                case "nosuid": flags |= MountFlags.NoSuid; break;
                case "nodev": flags |= MountFlags.NoDev; break;
                case "noexec": flags |= MountFlags.NoExec; break;
                case "relatime": flags |= MountFlags.RelAtime; break;
                case "noatime": flags |= MountFlags.NoAtime; break;
                case "nodiratime": flags |= MountFlags.NoDirAtime; break;
                case "sync": flags |= MountFlags.Synchronous; break;
                case "dirsync": flags |= MountFlags.DirSync; break;
                default:
                    if (!s_ignored.Contains(option) && !option.StartsWith("x-", StringComparison.Ordinal))
                    {
                        data.Add(option);
                    }
                    break;
            }
        }
        return new MountOptions(flags, string.Join(',', data));
    }
}
