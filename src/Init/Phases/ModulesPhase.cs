using CorralOS.Config;
using CorralOS.Init.Modules;

namespace CorralOS.Init.Phases;

/// <summary>
/// Loads drivers for the hardware present (modalias coldplug, as udev would), then every rancher.modules
/// entry ("name arg=value ..."). The udev system service takes over hotplug later.
/// </summary>
public sealed class ModulesPhase : IBootPhase
{
    private static readonly string[] s_forInit = ["evdev"];

    public string Name => "modules";

    public bool Required => false;

    public string Run(BootContext context)
    {
        if (ModuleLoader.ForRunningKernel(out var release) is not { } loader)
        {
            return $"no modules for kernel {release}";
        }
        // The whole tree is an erofs in the initrd, mounted first over the plain one. The loader goes on with the index it
        // read: the plain tree's index files are the image's (build/initrd.sh makes the image before it removes the
        // plain tree's modules), and its paths now lead into the image.
        ModulesImage.MountIfPresent(loader, ModuleIndex.DirectoryFor(release));
        loader.Coldplug();
        var failed = new List<string>();
        // Drivers init itself relies on that no device asks for: evdev, for the power button.
        foreach (var module in s_forInit)
        {
            try
            {
                loader.Load(module);
            }
            catch (IOException e)
            {
                failed.Add(e.Message);
            }
        }
        failed.AddRange(LoadConfigured(loader, context.Config));
        if (failed.Count > 0)
        {
            throw new IOException($"{loader.Inserted.Count} loaded, but: {string.Join("; ", failed)}");
        }
        // A driver that refuses absent or unsupported hardware is normal on real machines: report, don't fail.
        return loader.Errors.Count == 0
            ? $"{loader.Inserted.Count} loaded"
            : $"{loader.Inserted.Count} loaded, {loader.Errors.Count} refused: {string.Join("; ", loader.Errors)}";
    }

    /// <summary>Loads every rancher.modules entry ("name arg=value ...") not loaded yet; the entries that failed.</summary>
    public static List<string> LoadConfigured(ModuleLoader loader, IReadOnlyDictionary<string, object?> config)
    {
        var failed = new List<string>();
        foreach (var entry in ConfigTree.GetStrings(config, "rancher.modules"))
        {
            var parts = entry.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }
            try
            {
                loader.Load(parts[0], parts.Length > 1 ? parts[1] : "");
            }
            catch (IOException e)
            {
                failed.Add(e.Message);
            }
        }
        return failed;
    }
}
