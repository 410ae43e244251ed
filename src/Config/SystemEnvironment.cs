using System.Reflection;

namespace CorralOS.Config;

/// <summary>
/// The variables every config has in rancher.environment without anyone writing them (as RancherOS's image set
/// them): VERSION, the running CorralOS version (system images are tagged with it), and KERNEL_VERSION. A layer
/// that sets them wins.
/// </summary>
public static class SystemEnvironment
{
    /// <summary>The CorralOS version this code was built as (the VERSION file).</summary>
    public static string Version { get; } =
        typeof(SystemEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static void Fill(Dictionary<string, object?> tree, string osReleaseFile = "/proc/sys/kernel/osrelease")
    {
        if (ConfigTree.Get(tree, "rancher.environment.VERSION") is null)
        {
            ConfigTree.Set(tree, "rancher.environment.VERSION", Version);
        }
        if (ConfigTree.Get(tree, "rancher.environment.KERNEL_VERSION") is null && File.Exists(osReleaseFile))
        {
            ConfigTree.Set(tree, "rancher.environment.KERNEL_VERSION", File.ReadAllText(osReleaseFile).Trim());
        }
    }
}
