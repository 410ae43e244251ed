using CorralOS.Linux;
using CorralOS.Network.Netlink;

namespace CorralOS.Network;

/// <summary>
/// One apply of rancher.network (reference §3.4) in the calling process's network namespace: pre_cmds; lo up;
/// bridges, bonds and VLANs created; each link configured by its entry; then /etc/resolv.conf, the host name and
/// /etc/hosts, the proxy environment file; post_cmds. Problems are collected, one line each, and never stop the rest.
/// </summary>
public sealed class Netconf
{
    private readonly NetconfOptions _options;
    private readonly Dhcpcd _dhcpcd;
    private NetworkSettings? _applied;
    private List<string> _dhcpLinks = [];

    public Netconf(NetconfOptions options)
    {
        _options = options;
        _dhcpcd = new Dhcpcd(options.Dhcpcd, options.DhcpLeaseDirectory);
    }

    public NetconfReport Apply(NetworkSettings settings)
    {
        var report = new NetconfReport();
        Try(report, () => MarkConfigured(false));
        report.Problems.AddRange(settings.Problems.Select(p => p.Message));
        var shell = new ShellCommands(_options.Shell, report);
        shell.Run("network", "pre_cmds", settings.PreCmds);
        var dhcpLinks = new List<string>();
        try
        {
            using var netlink = new RouteNetlink();
            ConfigureLinks(netlink, settings, shell, dhcpLinks, report);
        }
        catch (IOException e)
        {
            report.Problems.Add($"network: links: {e.Message}");
        }
        var read = dhcpLinks.Select(_dhcpcd.Lease).ToList();
        var leases = read.Select(l => l ?? DhcpLease.None).ToList();
        Try(report, () => WriteResolvConf(settings, leases, report, onlyIfChanged: false));
        Try(report, () => ApplyHostName(settings, leases, report, onlyIfChanged: false));
        Try(report, () => ProxyEnvironment.Write(_options.ProxyEnvironment, ProxyEnvironment.Render(settings)));
        shell.Run("network", "post_cmds", settings.PostCmds);
        _applied = settings;
        _dhcpLinks = dhcpLinks;
        Try(report, () => MarkConfigured(read.All(l => l is not null)));
        return report;
    }

    /// <summary>
    /// After dhcpcd renewed or changed a lease: reads the leases of the last apply's DHCP links again and rewrites
    /// resolv.conf and the host name only where they now differ (DNS from DHCP stays as DHCP gives it).
    /// </summary>
    public NetconfReport RefreshFromLeases()
    {
        var report = new NetconfReport();
        if (_applied is { } settings && _dhcpLinks.Count > 0)
        {
            var read = _dhcpLinks.Select(_dhcpcd.Lease).ToList();
            if (read.Any(l => l is null))
            {
                // dhcpcd is between leases (a rebind rewrites the file); the next lease event brings the result.
                return report;
            }
            var leases = read.Select(l => l!).ToList();
            Try(report, () => WriteResolvConf(settings, leases, report, onlyIfChanged: true));
            Try(report, () => ApplyHostName(settings, leases, report, onlyIfChanged: true));
            // A lease that came after the apply's DHCP timeout completes the network.
            Try(report, () => MarkConfigured(true));
        }
        return report;
    }

    /// <summary>Stops the DHCP client netconf started (the daemon's exit).</summary>
    public void StopDhcp() => _dhcpcd.Stop();

    private void ConfigureLinks(RouteNetlink netlink, NetworkSettings settings, ShellCommands shell, List<string> dhcpLinks, NetconfReport report)
    {
        var virtualLinks = new VirtualLinks(netlink, _options.SysRoot);
        virtualLinks.CreateBridgesAndBonds(settings.Interfaces, report);
        var links = netlink.Links();
        var names = links.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var link in links)
        {
            if (InterfaceMatcher.For(link, settings.Interfaces) is { Vlans.Count: > 0 } entry)
            {
                Try(report, () => virtualLinks.CreateVlans(link, entry, names, report));
            }
        }
        links = netlink.Links();
        var configurator = new LinkConfigurator(netlink, _dhcpcd, shell);
        foreach (var link in links.OrderBy(l => l.Index))
        {
            var entry = InterfaceMatcher.For(link, settings.Interfaces);
            if (link.Name == "lo" && entry is null)
            {
                // lo always comes up; the kernel gives it 127.0.0.1/8 and ::1/128 then.
                Try(report, () => Step.Run("lo", "up", () => netlink.SetLink(link.Index, up: true)));
                continue;
            }
            if (entry is null)
            {
                continue;
            }
            Try(report, () =>
            {
                if (configurator.Apply(link, entry, links, settings.DhcpTimeoutSeconds, report))
                {
                    dhcpLinks.Add(link.Name);
                }
            });
        }
        foreach (var entry in settings.Interfaces.Where(e => e.IsExactName && links.All(l => l.Name != e.Match)))
        {
            report.Messages.Add($"{entry.Match}: no such link, skipped");
        }
    }

    private void WriteResolvConf(NetworkSettings settings, List<DhcpLease> leases, NetconfReport report, bool onlyIfChanged)
    {
        var fromDhcp = leases.SelectMany(l => l.Nameservers).Distinct(StringComparer.Ordinal).ToList();
        var (nameservers, source) = settings.Nameservers.Count > 0
            ? (settings.Nameservers.Select(a => a.ToString()).ToList(), "rancher.network.dns")
            : fromDhcp.Count > 0
                ? (fromDhcp, "DHCP")
                : (settings.DefaultNameservers.Select(a => a.ToString()).ToList(), "rancher.defaults.network.dns");
        var search = settings.Search.Count > 0 ? settings.Search : leases.SelectMany(l => l.Search).Distinct(StringComparer.Ordinal).ToList();
        var content = ResolvConf.Render(nameservers, search, source);
        if (onlyIfChanged && File.Exists(_options.ResolvConf) && File.ReadAllText(_options.ResolvConf) == content)
        {
            return;
        }
        ResolvConf.Write(_options.ResolvConf, content);
        report.Messages.Add($"resolv.conf: {string.Join(' ', nameservers)} (from {source})");
    }

    private void ApplyHostName(NetworkSettings settings, List<DhcpLease> leases, NetconfReport report, bool onlyIfChanged)
    {
        var name = settings.Hostname ?? leases.Select(l => l.HostName).FirstOrDefault(h => h is not null) ?? settings.DefaultHostname;
        if (name is null || (onlyIfChanged && HostsFile.Names(_options.Hosts, name)))
        {
            return;
        }
        if (_options.SetKernelHostName)
        {
            Step.Run("hostname", "hostname", () => HostName.Set(name));
        }
        HostsFile.Write(_options.Hosts, name);
        report.Messages.Add($"hostname: {name}");
    }

    // Every DHCP link has its lease, so whatever default route DHCP and the static entries give is in place: PID 1 need
    // not wait for one any longer (docs/network.md). Removed at the start of each apply and while a lease is missing.
    private void MarkConfigured(bool configured)
    {
        if (!configured)
        {
            if (File.Exists(_options.ConfiguredFile))
            {
                File.Delete(_options.ConfiguredFile);
            }
        }
        else if (!File.Exists(_options.ConfiguredFile))
        {
            NetconfFile.Write(_options.ConfiguredFile, "every DHCP link has its lease\n");
        }
    }

    private static void Try(NetconfReport report, Action action)
    {
        try
        {
            action();
        }
        catch (NetworkConfigException e)
        {
            report.Problems.Add(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report.Problems.Add($"network: {e.Message}");
        }
    }
}
