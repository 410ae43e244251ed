using CorralOS.Config;

namespace CorralOS.CloudInit;

/// <summary>The files cloud-init-save owns, under the config paths (reference Appendix A).</summary>
public static class CloudInitPaths
{
    /// <summary>User-data cloud-config: the first cloud-config.d layer.</summary>
    public static string BootConfig(this ConfigPaths paths) => Path.Combine(paths.CloudConfigDirectory, "boot.yml");

    /// <summary>rancher.network from the metadata.</summary>
    public static string NetworkConfig(this ConfigPaths paths) => Path.Combine(paths.CloudConfigDirectory, "network.yml");

    /// <summary>A #! user-data script, run by the console at each start.</summary>
    public static string Script(this ConfigPaths paths) => Path.Combine(paths.ConfDirectory, "cloud-config-script");
}
