using CorralOS.Linux;

namespace CorralOS.Console;

/// <summary>
/// Step 1 of console-init: the home directories of rancher (1100) and docker (1101), owned by them (the homes are a
/// volume, so they may be missing or root-owned on a fresh state disk), and /run/utmp and /run/lock for login.
/// </summary>
public static class HomeDirectories
{
    public static readonly (string Name, int Id)[] ConsoleUsers = [("rancher", 1100), ("docker", 1101)];

    public static void Create(ConsoleOptions options, UserDatabase users)
    {
        foreach (var (name, id) in ConsoleUsers)
        {
            var user = users.Find(name);
            var home = Path.Combine(options.Home, name);
            Directory.CreateDirectory(home);
            Own(home, user?.Uid ?? id, user?.Gid ?? id);
        }
        Directory.CreateDirectory(options.Run);
        var utmp = Path.Combine(options.Run, "utmp");
        if (!File.Exists(utmp))
        {
            File.WriteAllBytes(utmp, []);
            File.SetUnixFileMode(utmp, FileModes.Regular);
        }
        Directory.CreateDirectory(Path.Combine(options.Run, "lock"));
    }

    /// <summary>chown where it is allowed (root); a test run as a user leaves owners alone.</summary>
    public static void Own(string path, int uid, int gid)
    {
        if (SpecialFiles.IsRoot)
        {
            SpecialFiles.SetOwner(path, uid, gid);
        }
    }
}
