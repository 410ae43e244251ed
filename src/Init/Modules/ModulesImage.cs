using CorralOS.Linux;

namespace CorralOS.Init.Modules;

/// <summary>
/// The kernel's modules as an erofs inside the initrd (build/initrd.sh): compressed, it holds the RAM root's largest
/// tree in 40% of the space. The plain /lib/modules/RELEASE keeps the index files and the few modules the mount needs
/// (loop, erofs and their dependencies); PID 1 mounts the image over it before it loads anything else, and
/// containers see it through their /lib/modules bind.
/// </summary>
public static class ModulesImage
{
    public const string DefaultPath = "/usr/share/ros/modules";

    /// <summary>Mounts <paramref name="image"/> over <paramref name="directory"/>; what it did, or null when there is no image (or it is mounted already).</summary>
    public static string? MountIfPresent(ModuleLoader loader, string directory, string image = DefaultPath)
    {
        if (!File.Exists(image) || Mounts.IsMountPoint(directory))
        {
            return null;
        }
        ErofsLoopMount.Mount(image, directory, $"mounting the modules image {image}", loader);
        return $"modules image mounted on {directory}";
    }
}
