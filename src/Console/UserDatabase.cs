using System.Globalization;

namespace CorralOS.Console;

/// <summary>
/// /etc/passwd, /etc/group and /etc/shadow of the console, read and changed as text (the image's busybox has no
/// adduser or chpasswd). Files are rewritten in place so they keep their mode and owner (shadow stays 0640).
/// </summary>
public sealed class UserDatabase
{
    private const int FirstUserId = 1000;
    private const int LastUserId = 59999;

    private readonly string _passwd;
    private readonly string _group;
    private readonly string _shadow;

    public UserDatabase(string etc)
    {
        _passwd = Path.Combine(etc, "passwd");
        _group = Path.Combine(etc, "group");
        _shadow = Path.Combine(etc, "shadow");
    }

    public sealed record User(string Name, int Uid, int Gid, string Home, string Shell);

    public User? Find(string name) =>
        Lines(_passwd).Select(l => l.Split(':')).Where(f => f.Length >= 7 && f[0] == name)
            .Select(f => new User(f[0], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), f[5], f[6]))
            .FirstOrDefault();

    public int? FindGroupId(string name) =>
        Lines(_group).Select(l => l.Split(':')).Where(f => f.Length >= 3 && f[0] == name)
            .Select(f => (int?)int.Parse(f[2], CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>uid and gid for "user", "user:group", "1000:1000"; throws when a name is unknown.</summary>
    public (int Uid, int Gid) ResolveOwner(string owner)
    {
        var parts = owner.Split(':', 2);
        var user = parts[0];
        int uid;
        int gid;
        if (int.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            gid = Find(user)?.Gid ?? uid;
        }
        else
        {
            var found = Find(user) ?? throw new ArgumentException($"no user '{user}' in {_passwd}");
            (uid, gid) = (found.Uid, found.Gid);
        }
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            gid = int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : FindGroupId(parts[1]) ?? throw new ArgumentException($"no group '{parts[1]}' in {_group}");
        }
        return (uid, gid);
    }

    /// <summary>Adds a user with a group of the same name, the next free id from 1000, and a password nobody can type.</summary>
    public User AddUser(string name, string home, string shell)
    {
        if (name.Length == 0 || name.Any(c => c is ':' or '\n' or '/' || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException($"'{name}' is not a user name");
        }
        var usedUids = Lines(_passwd).Select(l => l.Split(':')).Where(f => f.Length >= 3).Select(f => int.Parse(f[2], CultureInfo.InvariantCulture)).ToHashSet();
        var usedGids = Lines(_group).Select(l => l.Split(':')).Where(f => f.Length >= 3).Select(f => int.Parse(f[2], CultureInfo.InvariantCulture)).ToHashSet();
        var id = Enumerable.Range(FirstUserId, LastUserId - FirstUserId).First(i => !usedUids.Contains(i) && !usedGids.Contains(i));
        var gid = FindGroupId(name) ?? id;
        if (FindGroupId(name) is null)
        {
            Append(_group, $"{name}:x:{gid}:");
        }
        Append(_passwd, $"{name}:x:{id}:{gid}::{home}:{shell}");
        // "*" and not "!": OpenSSH without PAM refuses even key logins to accounts whose hash starts with '!'.
        Append(_shadow, $"{name}:*:::::::");
        return new User(name, id, gid, home, shell);
    }

    public void SetShell(string name, string shell) =>
        ChangeField(_passwd, name, 6, _ => shell);

    /// <summary>Adds <paramref name="user"/> to each group that exists; returns the groups that do not.</summary>
    public IReadOnlyList<string> AddToGroups(string user, IEnumerable<string> groups)
    {
        var missing = new List<string>();
        foreach (var group in groups)
        {
            if (FindGroupId(group) is null)
            {
                missing.Add(group);
                continue;
            }
            ChangeField(_group, group, 3, members =>
            {
                var list = members.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
                if (!list.Contains(user))
                {
                    list.Add(user);
                }
                return string.Join(',', list);
            });
        }
        return missing;
    }

    /// <summary>
    /// Sets the password hash; the last-change field is left empty as RancherOS did, so no password ageing
    /// applies and login never asks for a new password.
    /// </summary>
    public void SetPasswordHash(string name, string hash)
    {
        EnsureShadowEntry(name);
        ChangeField(_shadow, name, 1, _ => hash);
        ChangeField(_shadow, name, 2, _ => "");
    }

    public string? PasswordHash(string name) =>
        Lines(_shadow).Select(l => l.Split(':')).Where(f => f.Length >= 2 && f[0] == name).Select(f => f[1]).FirstOrDefault();

    /// <summary>Locks or unlocks password login ('!' before the hash; no hash at all stays "*").</summary>
    public void LockPassword(string name, bool locked)
    {
        EnsureShadowEntry(name);
        ChangeField(_shadow, name, 1, hash => (locked, hash) switch
        {
            (_, "" or "*" or "!" or "!*") => "*",
            (true, _) when hash.StartsWith('!') => hash,
            (true, _) => "!" + hash,
            (false, _) => hash.TrimStart('!'),
        });
    }

    private void EnsureShadowEntry(string name)
    {
        if (!Lines(_shadow).Any(l => l.StartsWith(name + ":", StringComparison.Ordinal)))
        {
            Append(_shadow, $"{name}:*:::::::");
        }
    }

    private static void ChangeField(string file, string key, int field, Func<string, string> change)
    {
        var lines = Lines(file).ToList();
        var found = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var fields = lines[i].Split(':');
            if (fields[0] != key)
            {
                continue;
            }
            if (fields.Length <= field)
            {
                Array.Resize(ref fields, field + 1);
                fields = fields.Select(f => f ?? "").ToArray();
            }
            fields[field] = change(fields[field]);
            lines[i] = string.Join(':', fields);
            found = true;
        }
        if (!found)
        {
            throw new ArgumentException($"no '{key}' in {file}");
        }
        Rewrite(file, lines);
    }

    private static void Append(string file, string line)
    {
        var lines = Lines(file).ToList();
        lines.Add(line);
        Rewrite(file, lines);
    }

    // In place (truncate and write) keeps the file's inode, mode and owner; the files are small.
    private static void Rewrite(string file, IEnumerable<string> lines)
    {
        var text = string.Concat(lines.Select(l => l + "\n"));
        if (!File.Exists(file))
        {
            // Only a broken image lacks one; shadow must never be world-readable even then.
            var mode = Path.GetFileName(file) == "shadow" ? UnixFileMode.UserRead | UnixFileMode.UserWrite : FileModes.Regular;
            File.WriteAllText(file, "", System.Text.Encoding.UTF8);
            File.SetUnixFileMode(file, mode);
        }
        File.WriteAllText(file, text);
    }

    private static IEnumerable<string> Lines(string file) =>
        File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0) : [];
}
