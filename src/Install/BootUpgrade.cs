using CorralOS.Init.Boot;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// `ros os upgrade` inside the new version's OS image (docs/upgrade.md): its files go beside the installed ones, the
/// menu gets an entry for both, grubenv marks the new one to be tried once at the next boot, and then the files of
/// any third version are deleted. Each step is whole on disk before the next, and the grubenv change is written where
/// GRUB reads it, journal or not (<see cref="GrubEnvironment.Write"/>), so a power loss at any point leaves GRUB a menu
/// and a grubenv whose versions all have their files, and once the upgrade said the new version boots next, it does.
/// </summary>
public static class BootUpgrade
{
    /// <param name="bootRoot">The filesystem holding /boot (the state, /state when booted).</param>
    /// <param name="runningVersion">The version running now: the default when grubenv has none (an install older than boot counting).</param>
    /// <param name="kernelAppend">New kernel arguments for /boot/append, or null to keep the installed ones.</param>
    public static BootChoice Run(string bootRoot, OsVersionFiles os, string runningVersion, string? kernelAppend, Progress progress)
    {
        var boot = Path.Combine(bootRoot, "boot");
        if (!File.Exists(Path.Combine(boot, "grub", "grub.cfg")))
        {
            throw new InstallException($"{boot}/grub/grub.cfg is missing: CorralOS is not installed there (ros install first)");
        }
        var current = BootChoice.From(GrubEnvironment.Read(GrubEnvironment.PathIn(bootRoot))) ?? BootChoice.Installed(runningVersion);
        var next = current.Upgrade(os.Version);

        BootFiles.CopyVersion(boot, os, progress);
        var appendFile = Path.Combine(boot, "append");
        if (kernelAppend is not null)
        {
            BootFiles.WriteText(appendFile, kernelAppend.Trim() + "\n");
        }
        var append = File.Exists(appendFile) ? File.ReadAllText(appendFile).Trim() : "";
        // The menu has entries for every version either grubenv names, the old or the new, while it changes.
        BootFiles.WriteMenu(boot, os, [.. current.Versions.Union(next.Versions, StringComparer.Ordinal)], append);
        BootFiles.WriteChoice(bootRoot, next);
        BootFiles.WriteMenu(boot, os, next.Versions, append);
        progress.Step(next.Trying is { } trying
            ? $"CorralOS {trying} boots once at the next boot; it becomes the default when it reaches started, else {next.Default} boots again"
            : $"CorralOS {next.Default} rewritten; it stays the default");

        foreach (var stale in StaleFiles(boot, os.Names, next.Versions))
        {
            File.Delete(stale);
            progress.Step($"deleted /boot/{Path.GetFileName(stale)}");
        }
        // The deletions and the last menu, where GRUB reads them too.
        Durability.SyncFileSystem(boot);
        return next;
    }

    /// <summary>/boot/NAME-VERSION files (and leftover .tmp copies) of versions other than <paramref name="keep"/>.</summary>
    public static IEnumerable<string> StaleFiles(string boot, IReadOnlyList<string> names, IReadOnlyList<string> keep)
    {
        var kept = names.SelectMany(n => keep.Select(v => $"{n}-{v}")).ToHashSet(StringComparer.Ordinal);
        return Directory.EnumerateFiles(boot)
            .Where(f => names.Any(n => Path.GetFileName(f).StartsWith(n + "-", StringComparison.Ordinal)) && !kept.Contains(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
