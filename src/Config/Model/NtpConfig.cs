namespace CorralOS.Config.Model;

/// <summary><c>rancher.ntp</c>: the time servers the ntp system container uses (RancherOS had no key for this, issue #1118).</summary>
public sealed class NtpConfig
{
    /// <summary>Host names or addresses; an item with a space is a whole chrony directive ("pool pool.ntp.org iburst").</summary>
    public List<string>? Servers { get; set; }
}
