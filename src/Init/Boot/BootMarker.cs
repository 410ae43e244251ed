namespace CorralOS.Init.Boot;

/// <summary>
/// Marks the running version good once PID 1 reached started (docs/upgrade.md): when grubenv on the state's /boot
/// names it as the version being tried, it becomes the default, so GRUB keeps booting it.
/// </summary>
public static class BootMarker
{
    /// <summary>grubenv as PID 1 sees it: on the state filesystem, mounted at /state.</summary>
    public static string GrubEnvPath(string bootRoot) => Path.Combine(bootRoot, "boot", "grub", "grubenv");

    /// <summary>A line to print when something changed, else null (not installed, or already the default).</summary>
    public static string? MarkGood(string grubenv, string running)
    {
        if (!File.Exists(grubenv))
        {
            return null;
        }
        var variables = GrubEnvironment.Read(grubenv);
        if (BootChoice.From(variables)?.MarkGood(running) is not { } good)
        {
            return null;
        }
        GrubEnvironment.Write(grubenv, good.ApplyTo(variables));
        return $"CorralOS {running} marked good: it boots by default from now on ({good.Previous} is the rollback)";
    }
}
