namespace CorralOS.Network;

/// <summary>Where netconf writes and what it runs; tests point the files at temporary paths.</summary>
public sealed record NetconfOptions
{
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    public string Hosts { get; init; } = "/etc/hosts";

    /// <summary>The proxy environment file other services read (docs/network.md).</summary>
    public string ProxyEnvironment { get; init; } = "/run/corralos/proxy.env";

    /// <summary>sysfs root, for bonding options.</summary>
    public string SysRoot { get; init; } = "/sys";

    public string Dhcpcd { get; init; } = "dhcpcd";

    /// <summary>Written once every DHCP link has its lease, removed while one waits (<see cref="Linux.NetworkConfiguredFile"/>).</summary>
    public string ConfiguredFile { get; init; } = Linux.NetworkConfiguredFile.DefaultPath;

    /// <summary>Where dhcpcd keeps its leases; the daemon watches it to follow renewals.</summary>
    public string DhcpLeaseDirectory { get; init; } = "/var/lib/dhcpcd";

    /// <summary>Runs pre_cmds, post_cmds, pre_up and post_up (each item with -c).</summary>
    public string Shell { get; init; } = "/bin/sh";

    /// <summary>Also set the kernel's host name (sethostname), not only /etc/hosts.</summary>
    public bool SetKernelHostName { get; init; } = true;
}
