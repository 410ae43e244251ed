using System.Globalization;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Resolves Docker's User ("name", "uid", "name:group", "uid:gid") against the container's own /etc/passwd and
/// /etc/group, as Docker does, so names mean what they mean inside the image.
/// </summary>
public static class UserLookup
{
    public sealed record Identity(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string? Home);

    public static Identity Resolve(string? user, string rootfs)
    {
        var passwd = ReadDatabase(Path.Combine(rootfs, "etc/passwd"));
        var groups = ReadDatabase(Path.Combine(rootfs, "etc/group"));
        if (string.IsNullOrEmpty(user))
        {
            user = "0";
        }
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? user : user[..colon];
        var groupPart = colon < 0 ? null : user[(colon + 1)..];

        uint uid;
        uint gid;
        string? home = null;
        string? userName = null;
        var entry = passwd.FirstOrDefault(p => p.Length >= 4 && (p[0] == userPart || p[2] == userPart));
        if (entry is not null && uint.TryParse(entry[2], CultureInfo.InvariantCulture, out uid) && uint.TryParse(entry[3], CultureInfo.InvariantCulture, out gid))
        {
            home = entry.Length >= 6 ? entry[5] : null;
            userName = entry[0];
        }
        else if (uint.TryParse(userPart, CultureInfo.InvariantCulture, out uid))
        {
            gid = 0; // Docker's rule for a numeric user the image does not list
        }
        else
        {
            throw new InvalidArgumentException($"unable to find user {userPart}: no matching entries in passwd file");
        }

        if (groupPart is not null)
        {
            var group = groups.FirstOrDefault(g => g.Length >= 3 && (g[0] == groupPart || g[2] == groupPart));
            if (group is not null && uint.TryParse(group[2], CultureInfo.InvariantCulture, out var found))
            {
                gid = found;
            }
            else if (!uint.TryParse(groupPart, CultureInfo.InvariantCulture, out gid))
            {
                throw new InvalidArgumentException($"unable to find group {groupPart}: no matching entries in group file");
            }
        }
        var additional = userName is null
            ? []
            : groups.Where(g => g.Length >= 4 && g[3].Split(',').Contains(userName) && uint.TryParse(g[2], CultureInfo.InvariantCulture, out _))
                .Select(g => uint.Parse(g[2], CultureInfo.InvariantCulture)).Where(g => g != gid).Distinct().ToList();
        return new Identity(uid, gid, additional, home);
    }

    // Files inside the image are read as plain text; a symlink pointing out of the rootfs is not followed.
    private static List<string[]> ReadDatabase(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return [];
        }
        return File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split(':')).ToList();
    }
}
