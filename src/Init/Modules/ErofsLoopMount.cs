namespace CorralOS.Init.Modules;

/// <summary>
/// Mounts an erofs image file read-only through a loop device, as the modules image and the system images files are:
/// erofs and loop are modules of Debian's kernel (/dev/loop-control exists only once loop is in), then busybox mount
/// sets up the loop device.
/// </summary>
public static class ErofsLoopMount
{
    /// <summary>Loads the drivers with <paramref name="loader"/> (none: the running kernel's), then mounts <paramref name="file"/> on <paramref name="target"/>.</summary>
    public static void Mount(string file, string target, string what, ModuleLoader? loader = null)
    {
        LoadDrivers(loader ?? ModuleLoader.ForRunningKernel(out _));
        ExternalCommand.Run("mount", ["-t", "erofs", "-o", "loop,ro", file, target], what);
    }

    /// <summary>erofs and loop, each unless built into the kernel (the mount says if one is missing).</summary>
    public static void LoadDrivers(ModuleLoader? loader)
    {
        foreach (var module in (string[])["loop", "erofs"])
        {
            try
            {
                loader?.Load(module);
            }
            catch (FileNotFoundException)
            {
                // Built into this kernel, or absent.
            }
        }
    }
}
