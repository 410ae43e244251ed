using CorralOS.Config;

namespace CorralOS.Init.Phases;

/// <summary>
/// Loads the layered configuration (os-config, OEM, cloud-config.d, cloud-config.yml, the kernel cmdline,
/// metadata) and then init's own arguments on top. A layer that does not parse or has wrong types is skipped
/// and reported; the boot goes on with the rest. The state phase loads it again once the state disk, which
/// holds the user's layers, is mounted.
/// </summary>
public sealed class ConfigPhase : IBootPhase
{
    private readonly ConfigPaths _paths;

    public ConfigPhase(ConfigPaths? paths = null) => _paths = paths ?? new ConfigPaths();

    public string Name => "config";

    public bool Required => false;

    public string Run(BootContext context) => Load(context, _paths);

    /// <summary>Replaces <see cref="BootContext.Config"/> with a fresh load; returns the summary line.</summary>
    public static string Load(BootContext context, ConfigPaths paths)
    {
        var loaded = new ConfigLoader(paths).Load();
        var tree = loaded.Tree;
        if (context.InitArguments.Count > 0)
        {
            tree = ConfigMerge.Merge(tree, KernelCmdline.Parse(string.Join(' ', context.InitArguments)));
        }
        context.Config = tree;
        foreach (var problem in loaded.Problems)
        {
            context.Warnings.Add(problem.IsUnknownKey ? $"ignored: {problem}" : $"skipped layer: {problem}");
        }
        var skipped = loaded.Layers.Count(l => !l.Applied);
        return skipped == 0 ? $"{loaded.Layers.Count} layers" : $"{loaded.Layers.Count} layers, {skipped} skipped";
    }
}
