namespace CorralOS.Config;

/// <summary>What `ros config export` leaves out (reference §2.1): secrets always, keys and certificates unless private.</summary>
public static class ConfigExport
{
    private static readonly string[] s_always = [.. CommandLineOnlyKeys.Keys, "EXTRA_CMDLINE"];

    private static readonly string[] s_private =
        ["rancher.ssh", "rancher.docker.ca_key", "rancher.docker.ca_cert", "rancher.docker.server_key", "rancher.docker.server_cert"];

    /// <summary>A filtered copy of <paramref name="tree"/>.</summary>
    public static Dictionary<string, object?> Filter(IReadOnlyDictionary<string, object?> tree, bool includePrivate)
    {
        var copy = ConfigMerge.Copy(tree);
        foreach (var key in includePrivate ? s_always : [.. s_always, .. s_private])
        {
            ConfigTree.Remove(copy, key);
        }
        return copy;
    }
}
