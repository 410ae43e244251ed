namespace CorralOS.Config;

/// <summary>
/// Where each config layer lives, under a root prefix: "/" on the system, a temporary directory in tests.
/// </summary>
public sealed record ConfigPaths(string Root = "/")
{
    /// <summary>Overrides the root for `ros config` (tests, and editing a mounted image).</summary>
    public const string RootVariable = "CORRALOS_CONFIG_ROOT";

    public string OsConfig => Under("usr/share/ros/os-config.yml");

    public string OemConfig => Under("usr/share/ros/oem/oem-config.yml");

    public string ConfDirectory => Under("var/lib/rancher/conf");

    public string CloudConfigDirectory => Under("var/lib/rancher/conf/cloud-config.d");

    public string CloudConfig => Under("var/lib/rancher/conf/cloud-config.yml");

    /// <summary>Serializes writers of <see cref="CloudConfig"/>.</summary>
    public string CloudConfigLock => Under("var/lib/rancher/conf/.cloud-config.yml.lock");

    public string Metadata => Under("var/lib/rancher/conf/metadata");

    public string Cmdline => Under("proc/cmdline");

    private string Under(string relative) => Path.Combine(Root, relative);
}
