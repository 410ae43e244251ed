using CorralOS.Linux;

namespace CorralOS.Init.Storage;

/// <summary>
/// The one rule of PRODUCT.md §5: these directories live on the state disk; everything else is rebuilt
/// from the image at every boot. Each is bind-mounted from &lt;state&gt;/&lt;dir&gt; over the RAM root.
/// </summary>
public static class Persistence
{
    /// <summary>System Docker's named volumes (the filesystem of a persistent console, docs/console.md) are kept;
    /// its images and containers are not.</summary>
    public const string SystemDockerVolumes = "/var/lib/system-docker/volumes";

    public static IReadOnlyList<string> Directories { get; } = ["/home", "/opt", "/var/lib/rancher", "/var/lib/docker", "/var/lib/containers", "/var/log", SystemDockerVolumes];

    /// <summary>Where the state filesystem is mounted.</summary>
    public const string StateMount = "/state";

    public static void BindAll(string stateRoot)
    {
        foreach (var directory in Directories)
        {
            var source = Path.Combine(stateRoot, directory.TrimStart('/'));
            Directory.CreateDirectory(source);
            Directory.CreateDirectory(directory);
            Mounts.Bind(source, directory);
        }
    }
}
