using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Step 2: `rancher.password=` on the kernel command line sets rancher's password (a SHA-512 crypt hash written into
/// /etc/shadow), unless rancher.disable lists "password". Without the parameter the shadow entry is left as it is.
/// </summary>
public static class RancherPassword
{
    /// <summary>True when a password was set.</summary>
    public static bool Apply(ConsoleCmdline cmdline, IReadOnlyDictionary<string, object?> config, UserDatabase users)
    {
        if (cmdline.Last("rancher.password") is not { Length: > 0 } password)
        {
            return false;
        }
        if (ConfigTree.GetStrings(config, "rancher.disable").Contains("password"))
        {
            return false;
        }
        users.SetPasswordHash("rancher", Sha512Crypt.Hash(password));
        return true;
    }
}
