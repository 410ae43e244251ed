namespace CorralOS.Config;

/// <summary>
/// rancher.password and rancher.autologin are kernel command line parameters that console-init reads from
/// /proc/cmdline (reference §3.2), not configuration: RancherOS's `ros config get` printed an empty line for them
/// (TestElideCmdLine: `ros config get rancher.password` is empty although the command line set it) and `export` never
/// shows them. The merged tree still has them; what `get` and `export` print does not.
/// </summary>
public static class CommandLineOnlyKeys
{
    public static IReadOnlyList<string> Keys { get; } = ["rancher.password", "rancher.autologin"];

    /// <summary>A copy of <paramref name="tree"/> without these keys.</summary>
    public static Dictionary<string, object?> Without(IReadOnlyDictionary<string, object?> tree)
    {
        var copy = ConfigMerge.Copy(tree);
        foreach (var key in Keys)
        {
            ConfigTree.Remove(copy, key);
        }
        return copy;
    }
}
