namespace CorralOS.Console.CloudInit;

/// <summary>
/// ssh_authorized_keys: each key is appended once to ~/.ssh/authorized_keys of rancher and docker (and of users
/// entries). A key already present anywhere in the file is not added again (RancherOS matched by substring, so
/// keys written by hand with options in front still count). .ssh is 0700 and the file 0600, both owned by the user.
/// </summary>
public static class AuthorizedKeys
{
    /// <summary>Returns how many keys were added.</summary>
    public static int Append(string home, int uid, int gid, IEnumerable<string> keys)
    {
        var directory = Path.Combine(home, ".ssh");
        var file = Path.Combine(directory, "authorized_keys");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, FileModes.PrivateDirectory);
        HomeDirectories.Own(directory, uid, gid);
        var existing = File.Exists(file) ? File.ReadAllText(file) : "";
        var text = existing;
        var added = 0;
        foreach (var key in keys.Select(k => k.Trim()).Where(k => k.Length > 0))
        {
            if (text.Contains(key, StringComparison.Ordinal))
            {
                continue;
            }
            if (text.Length > 0 && !text.EndsWith('\n'))
            {
                text += "\n";
            }
            text += key + "\n";
            added++;
        }
        if (added > 0 || !File.Exists(file))
        {
            FileModes.WriteAtomically(file, text, FileModes.Private);
        }
        File.SetUnixFileMode(file, FileModes.Private);
        HomeDirectories.Own(file, uid, gid);
        return added;
    }
}
