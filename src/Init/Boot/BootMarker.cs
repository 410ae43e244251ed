namespace CorralOS.Init.Boot;

/// <summary>
/// Marks the running version good once PID 1 reached started (docs/upgrade.md): when grubenv on the state's /boot
/// names it as the version being tried, it becomes the default, so GRUB keeps booting it.
/// </summary>
public static class BootMarker
{
    /// <summary>A line to print when something changed, else null (not installed, or already the default).</summary>
    public static string? MarkGood(string grubenv, string running)
    {
        if (!File.Exists(grubenv))
        {
            return null;
        }
        var (_, good) = BootChoice.Update(grubenv, choice => choice?.MarkGood(running));
        return good is null ? null : $"CorralOS {running} marked good: it boots by default from now on ({good.Previous} is the rollback)";
    }
}
