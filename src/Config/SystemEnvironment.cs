using System.Reflection;

namespace CorralOS.Config;

/// <summary>
/// The variables every config has in rancher.environment without anyone writing them (as RancherOS's image set
/// them): VERSION, the running CorralOS version (system images are tagged with it), and KERNEL_VERSION. A layer
/// that sets them wins.
/// </summary>
public static class SystemEnvironment
{
    /// <summary>Where the build writes the version's os-release: in the initrd, in the OS image, and bound into system containers by system-volumes.</summary>
    public const string OsReleaseFile = "/usr/share/ros/os-release";

    /// <summary>
    /// The running CorralOS version: VERSION in <see cref="OsReleaseFile"/>, so the one ros binary is whatever version
    /// the initrd or OS image it ships in says (build/upgrade-os.sh makes a second version that way); where that file
    /// is absent (a build host), the version this code was compiled as (the VERSION file).
    /// </summary>
    public static string Version { get; } = OsReleaseVersion.Read(OsReleaseFile) ?? CompiledVersion;

    /// <summary>The version this code was compiled as (the VERSION file, or -p:Version).</summary>
    public static string CompiledVersion =>
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
