using CorralOS.Network.Netlink;

namespace CorralOS.Network;

/// <summary>
/// Applies one entry to one link, in RancherOS's order: pre_up, bond or bridge membership, MTU, link up, static
/// addresses, gateways, DHCP, post_up. The first failure stops this link only, as one line naming it and the field.
/// </summary>
internal sealed class LinkConfigurator
{
    private readonly RouteNetlink _netlink;
    private readonly Dhcpcd _dhcpcd;
    private readonly ShellCommands _shell;

    public LinkConfigurator(RouteNetlink netlink, Dhcpcd dhcpcd, ShellCommands shell)
    {
        _netlink = netlink;
        _dhcpcd = dhcpcd;
        _shell = shell;
    }

    /// <summary>Configures the link; returns true when DHCP was started on it.</summary>
    public bool Apply(LinkInfo link, InterfaceSettings entry, IReadOnlyList<LinkInfo> links, int dhcpTimeoutSeconds, NetconfReport report)
    {
        var name = link.Name;
        _shell.Run(name, "pre_up", entry.PreUp);
        var done = new List<string>();
        if (entry.Bond is { } bond)
        {
            var master = Find(links, bond, name, "bond");
            if (link.MasterIndex != master.Index)
            {
                // The kernel enslaves only links that are down; bonding brings the slave up itself.
                Step.Run(name, "bond", () => _netlink.SetLink(link.Index, up: false));
                Step.Run(name, "bond", () => _netlink.SetLink(link.Index, master: master.Index));
            }
            Step.Run(name, "bond", () => _netlink.SetLink(link.Index, up: true));
            report.Messages.Add($"{name}: slave of {bond}");
            _shell.Run(name, "post_up", entry.PostUp);
            return false;
        }
        if (entry.BridgeName is { } bridge)
        {
            var master = Find(links, bridge, name, "bridge");
            if (link.MasterIndex != master.Index)
            {
                Step.Run(name, "bridge", () => _netlink.SetLink(link.Index, master: master.Index));
            }
            done.Add($"port of {bridge}");
        }
        if (entry.Mtu is { } mtu && mtu != link.Mtu)
        {
            Step.Run(name, "mtu", () => _netlink.SetLink(link.Index, mtu: mtu));
            done.Add($"mtu {mtu}");
        }
        Step.Run(name, "up", () => _netlink.SetLink(link.Index, up: true));
        foreach (var address in entry.Addresses)
        {
            Step.Run(name, entry.Addresses.Count == 1 ? "address" : "addresses", () => _netlink.AddAddress(link.Index, address));
            done.Add(address.ToString());
        }
        if (entry.Gateway is { } gateway)
        {
            Step.Run(name, "gateway", () => _netlink.ReplaceDefaultRoute(link.Index, gateway));
            done.Add($"gateway {gateway}");
        }
        if (entry.GatewayIpv6 is { } gateway6)
        {
            Step.Run(name, "gateway_ipv6", () => _netlink.ReplaceDefaultRoute(link.Index, gateway6));
            done.Add($"gateway {gateway6}");
        }
        report.Messages.Add($"{name}: up{(done.Count > 0 ? ", " + string.Join(", ", done) : "")} ({entry.Key})");
        if (entry.Dhcp)
        {
            if (_dhcpcd.Start(entry, name, dhcpTimeoutSeconds) is { } problem)
            {
                report.Problems.Add(problem);
            }
            else
            {
                report.Messages.Add($"{name}: DHCP lease");
            }
        }
        _shell.Run(name, "post_up", entry.PostUp);
        return entry.Dhcp;
    }

    private static LinkInfo Find(IReadOnlyList<LinkInfo> links, string name, string subject, string field) =>
        links.FirstOrDefault(l => l.Name == name) ?? throw new NetworkConfigException(subject, field, $"there is no link '{name}'");
}
