namespace CorralOS.Init.Boot;

/// <summary>
/// Marks the running version good once PID 1 reached started and its health checks passed (docs/upgrade.md): when
/// grubenv on the state's /boot names it as the version being tried, it becomes the default, so GRUB keeps booting it.
/// A tried version whose checks failed is left as it is: its one try is used, so GRUB boots the default after the
/// reboot PID 1 then makes (<see cref="TriedVersion"/>).
/// </summary>
public static class BootMarker
{
    /// <summary>
    /// A line to print when something changed, or when a tried version is not marked because of
    /// <paramref name="failedChecks"/>; else null (not installed, or not the version being tried).
    /// </summary>
    public static string? MarkGood(string grubenv, string running, IReadOnlyCollection<string>? failedChecks = null)
    {
        if (!File.Exists(grubenv))
        {
            return null;
        }
        if (failedChecks is { Count: > 0 })
        {
            return BootChoice.From(GrubEnvironment.Read(grubenv)) is { } tried && tried.Trying == running
                ? $"CorralOS {running} not marked good: its health checks failed ({string.Join("; ", failedChecks)}); rebooting, {tried.Default} boots"
                : null;
        }
        var (_, good) = BootChoice.Update(grubenv, choice => choice?.MarkGood(running));
        return good is null ? null : $"CorralOS {running} marked good: it boots by default from now on ({good.Previous} is the rollback)";
    }
}
