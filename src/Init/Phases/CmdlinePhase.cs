using CorralOS.Config;

namespace CorralOS.Init.Phases;

/// <summary>Reads rancher.* and cc.* from /proc/cmdline, then init's own arguments (they win, as in RancherOS).</summary>
public sealed class CmdlinePhase : IBootPhase
{
    private readonly string _cmdlinePath;

    public CmdlinePhase(string cmdlinePath = "/proc/cmdline") => _cmdlinePath = cmdlinePath;

    public string Name => "cmdline";

    public bool Required => false;

    public string Run(BootContext context)
    {
        var tree = KernelCmdline.Read(_cmdlinePath);
        if (context.InitArguments.Count > 0)
        {
            foreach (var (key, value) in KernelCmdline.Parse(string.Join(' ', context.InitArguments)))
            {
                tree[key] = value;
            }
        }
        context.Cmdline = tree;
        var rancherKeys = tree.TryGetValue("rancher", out var r) && r is Dictionary<string, object?> map ? map.Count : 0;
        return $"{rancherKeys} rancher.* keys, {tree.Count - (tree.ContainsKey("rancher") ? 1 : 0)} cc.* keys";
    }
}
