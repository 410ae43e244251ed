namespace CorralOS.Config.Model;

/// <summary><c>rancher.upgrade</c>.</summary>
public sealed class UpgradeConfig
{
    public string? Url { get; set; }

    public string? Image { get; set; }

    public string? Rollback { get; set; }

    /// <summary>download, auto or none.</summary>
    public string? Policy { get; set; }

    /// <summary>Seconds a version GRUB is trying has to reach started and pass its health checks before PID 1 reboots into the default (CorralOS's own key).</summary>
    public int? TryTimeout { get; set; }
}
