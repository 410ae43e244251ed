namespace CorralOS.Init.Boot;

/// <summary>
/// A version GRUB is trying after `ros os upgrade` proves itself in this one boot (docs/upgrade.md): when a required
/// boot phase fails, a health check fails, or it has not reached started within <c>rancher.upgrade.try_timeout</c>,
/// PID 1 reboots, and GRUB, whose one try of it is used, boots the default. So a version that fails or hangs in
/// userspace is rolled back by itself, as a panicking one is by <c>panic=10</c>.
/// </summary>
public sealed record TriedVersion(string Running, string Default)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(600);

    /// <summary>The try when grubenv (absent: none) says <paramref name="running"/> is the version GRUB is trying; else null.</summary>
    public static TriedVersion? Find(string grubenv, string running) =>
        File.Exists(grubenv) && BootChoice.From(GrubEnvironment.Read(grubenv)) is { } choice && choice.Trying == running
            ? new TriedVersion(running, choice.Default)
            : null;

    /// <summary><c>rancher.upgrade.try_timeout</c> in seconds; the default when unset or not a positive number.</summary>
    public static TimeSpan Timeout(string? configured) =>
        int.TryParse(configured, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultTimeout;

    public string FailedBoot() => $"CorralOS {Running} is being tried and did not boot (a required phase or System Docker failed): rebooting, {Default} boots";

    public string TimedOut(TimeSpan timeout) =>
        $"CorralOS {Running} is being tried and did not reach started with its health checks passed within {timeout.TotalSeconds:0} s (rancher.upgrade.try_timeout): rebooting, {Default} boots";
}
