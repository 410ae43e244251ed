using CorralOS.Network.Netlink;

namespace CorralOS.Network;

/// <summary>
/// Creates the links the config names but the kernel does not have yet: bridges (bridge: true, or named by a port's
/// bridge:), bonds (named by a slave's bond:, or an entry with bond_opts) with their sysfs options, and VLANs of the
/// links whose entry lists vlans:. Existing links are left as they are, so applying twice changes nothing.
/// </summary>
internal sealed class VirtualLinks
{
    private readonly RouteNetlink _netlink;
    private readonly string _sysRoot;

    public VirtualLinks(RouteNetlink netlink, string sysRoot)
    {
        _netlink = netlink;
        _sysRoot = sysRoot;
    }

    public void CreateBridgesAndBonds(IReadOnlyList<InterfaceSettings> entries, NetconfReport report)
    {
        var existing = _netlink.Links().Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var bridges = entries.Where(e => e.IsBridge && e.IsExactName).Select(e => (e.Key, Name: e.Match))
            .Concat(entries.Where(e => e.BridgeName is not null).Select(e => (e.Key, Name: e.BridgeName!)));
        foreach (var (key, name) in bridges.DistinctBy(b => b.Name))
        {
            Create(existing, key, "bridge", name, "bridge", report);
        }
        var bonds = entries.Where(e => e.Bond is not null).Select(e => (e.Key, Name: e.Bond!))
            .Concat(entries.Where(e => e.BondOpts.Count > 0 && e.IsExactName).Select(e => (e.Key, Name: e.Match)));
        foreach (var (key, name) in bonds.DistinctBy(b => b.Name))
        {
            Create(existing, key, "bond", name, "bond", report);
            var options = entries.FirstOrDefault(e => e.IsExactName && e.Match == name)?.BondOpts;
            if (options is not null)
            {
                SetBondOptions(name, options, report);
            }
        }
    }

    /// <summary>The VLANs of one parent link.</summary>
    public void CreateVlans(LinkInfo parent, InterfaceSettings entry, IReadOnlySet<string> existing, NetconfReport report)
    {
        foreach (var vlan in entry.Vlans)
        {
            var name = vlan.LinkName(parent.Name);
            if (existing.Contains(name))
            {
                continue;
            }
            Step.Run(name, "vlans", () => _netlink.CreateLink(name, "vlan", parent.Index, vlan.Id));
            report.Messages.Add($"{name}: created VLAN {vlan.Id} on {parent.Name}");
        }
    }

    private void Create(HashSet<string> existing, string key, string field, string name, string kind, NetconfReport report)
    {
        if (existing.Contains(name))
        {
            return;
        }
        try
        {
            Step.Run(key, field, () => _netlink.CreateLink(name, kind));
            existing.Add(name);
            report.Messages.Add($"{name}: created {kind}");
        }
        catch (NetworkConfigException e)
        {
            report.Problems.Add(e.Message);
        }
    }

    /// <summary>bond_opts go to /sys/class/net/BOND/bonding/OPTION; mode first, since others depend on it. Unchanged values are not rewritten.</summary>
    private void SetBondOptions(string bond, IReadOnlyDictionary<string, string> options, NetconfReport report)
    {
        foreach (var (option, value) in options.OrderBy(o => o.Key == "mode" ? 0 : 1).ThenBy(o => o.Key, StringComparer.Ordinal))
        {
            var file = Path.Combine(_sysRoot, "class/net", bond, "bonding", option);
            try
            {
                if (!File.Exists(file))
                {
                    throw new NetworkConfigException(bond, $"bond_opts.{option}", "no such bonding option");
                }
                // sysfs shows "active-backup 1" for mode 1: either word counts as the same value.
                var current = File.ReadAllText(file).Trim().Split(' ');
                if (!current.Contains(value.Trim(), StringComparer.Ordinal))
                {
                    File.WriteAllText(file, value.Trim());
                }
            }
            catch (IOException e)
            {
                report.Problems.Add($"{bond}: bond_opts.{option}: {e.Message}");
            }
            catch (NetworkConfigException e)
            {
                report.Problems.Add(e.Message);
            }
        }
    }
}
