using CorralOS.Config.Model;

namespace CorralOS.Console.CloudInit;

/// <summary>
/// users (new in CorralOS; RancherOS ignored the key): each entry's user is created when missing (next free id from
/// 1000, a group of its name, home under /home, shell default /bin/sh), its shell set, added to the listed groups
/// that exist, its keys appended, its password locked unless lock_passwd is false, and its sudo rule written to
/// /etc/sudoers.d/90-cloud-config-users. An entry that fails is reported by name; the others still apply.
/// </summary>
public static class CloudUsers
{
    public const string SudoersFile = "90-cloud-config-users";

    public static IReadOnlyList<string> Apply(ConsoleOptions options, UserDatabase users, IEnumerable<UserConfig> entries)
    {
        var errors = new List<string>();
        var sudoRules = new List<string>();
        foreach (var entry in entries)
        {
            try
            {
                var rule = ApplyOne(options, users, entry, errors);
                if (rule is not null)
                {
                    sudoRules.Add(rule);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                errors.Add($"users {entry.Name ?? "(no name)"}: {e.Message}");
            }
        }
        var sudoers = Path.Combine(options.Etc, "sudoers.d", SudoersFile);
        if (sudoRules.Count > 0)
        {
            // sudo ignores files that are group- or world-writable, and wants 0440 by convention.
            FileModes.WriteAtomically(sudoers, string.Concat(sudoRules.Select(r => r + "\n")), UnixFileMode.UserRead | UnixFileMode.GroupRead);
        }
        else if (File.Exists(sudoers))
        {
            File.Delete(sudoers);
        }
        return errors;
    }

    private static string? ApplyOne(ConsoleOptions options, UserDatabase users, UserConfig entry, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(entry.Name))
        {
            throw new ArgumentException("an entry has no name");
        }
        var name = entry.Name.Trim();
        var user = users.Find(name) ?? users.AddUser(name, "/home/" + name, entry.Shell ?? options.Shell);
        if (entry.Shell is { Length: > 0 } shell && shell != user.Shell)
        {
            users.SetShell(name, shell);
        }
        if (entry.Groups is { Count: > 0 } groups)
        {
            foreach (var missing in users.AddToGroups(name, groups))
            {
                errors.Add($"users {name}: no group '{missing}'");
            }
        }
        users.LockPassword(name, entry.LockPasswd ?? true);
        var home = HomeIn(options, user.Home);
        Directory.CreateDirectory(home);
        HomeDirectories.Own(home, user.Uid, user.Gid);
        if (entry.SshAuthorizedKeys is { Count: > 0 } keys)
        {
            AuthorizedKeys.Append(home, user.Uid, user.Gid, keys);
        }
        if (string.IsNullOrWhiteSpace(entry.Sudo))
        {
            return null;
        }
        if (entry.Sudo.Contains('\n'))
        {
            throw new ArgumentException("sudo must be one rule on one line");
        }
        return $"{name} {entry.Sudo.Trim()}";
    }

    // The home in passwd is a path inside the container; in a test tree /home maps to options.Home.
    private static string HomeIn(ConsoleOptions options, string home) =>
        home.StartsWith("/home/", StringComparison.Ordinal) ? Path.Combine(options.Home, home["/home/".Length..]) : options.InRoot(home);
}
