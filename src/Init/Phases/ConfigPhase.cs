using CorralOS.Config;

namespace CorralOS.Init.Phases;

/// <summary>
/// Loads the layered configuration (os-config, OEM, cloud-config.d, cloud-config.yml, the kernel cmdline,
/// init's own arguments, metadata). A layer that does not parse or has wrong types is skipped and reported;
/// the boot goes on with the rest. The state phase loads it again once the state disk, which holds the user's
/// layers, is mounted. Init's arguments (what followed "--" on the kernel cmdline, kept out of /proc/cmdline's
/// rancher.* keys) are saved as cloud-config.d/init.yml with EXTRA_CMDLINE, as RancherOS did, so that
/// `ros config` and services see them too.
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
        SaveInitArguments(context.InitArguments, paths);
        var loaded = new ConfigLoader(paths).Load();
        context.Config = loaded.Tree;
        context.RecoveryRequested = ConfigTree.GetBool(loaded.Tree, "rancher.recovery");
        foreach (var problem in loaded.Problems)
        {
            context.Warnings.Add(problem.IsUnknownKey ? $"ignored: {problem}" : $"skipped layer: {problem}");
        }
        var skipped = loaded.Layers.Count(l => !l.Applied);
        return skipped == 0 ? $"{loaded.Layers.Count} layers" : $"{loaded.Layers.Count} layers, {skipped} skipped";
    }

    /// <summary>Writes cloud-config.d/init.yml with EXTRA_CMDLINE ("/init ARGS"), or nothing without arguments.</summary>
    public static void SaveInitArguments(IReadOnlyList<string> arguments, ConfigPaths paths)
    {
        if (arguments.Count == 0)
        {
            return;
        }
        var extra = "/init " + string.Join(' ', arguments);
        var tree = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["EXTRA_CMDLINE"] = extra,
            ["rancher"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["environment"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["EXTRA_CMDLINE"] = extra },
            },
        };
        Directory.CreateDirectory(paths.CloudConfigDirectory);
        CloudConfigStore.WriteAtomically(Path.Combine(paths.CloudConfigDirectory, "init.yml"), ConfigYaml.Write(tree));
    }
}
