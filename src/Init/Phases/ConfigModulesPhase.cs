using CorralOS.Config;
using CorralOS.Init.Modules;

namespace CorralOS.Init.Phases;

/// <summary>
/// rancher.modules again once the state disk's and the config drive's layers are in (RancherOS loaded them a second
/// time after switching root too): the modules phase runs before those layers exist, so on a first boot a
/// cloud-config's modules would otherwise wait for the next boot. Entries already loaded are skipped.
/// </summary>
public sealed class ConfigModulesPhase : IBootPhase
{
    public string Name => "config-modules";

    public bool Required => false;

    public string Run(BootContext context)
    {
        if (ConfigTree.GetStrings(context.Config, "rancher.modules").Count == 0)
        {
            return "none configured";
        }
        if (ModuleLoader.ForRunningKernel(out var release) is not { } loader)
        {
            return $"no modules for kernel {release}";
        }
        var failed = ModulesPhase.LoadConfigured(loader, context.Config);
        if (failed.Count > 0)
        {
            throw new IOException($"{loader.Inserted.Count} loaded, but: {string.Join("; ", failed)}");
        }
        return $"{loader.Inserted.Count} loaded";
    }
}
