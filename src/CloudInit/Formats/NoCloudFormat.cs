namespace CorralOS.CloudInit.Formats;

/// <summary>
/// NoCloud's meta-data (YAML: local-hostname, public-keys) and network-config (cloud-init network config version 1
/// or 2, optionally under a top-level network: key). What has no rancher.network equivalent is reported, not fatal.
/// </summary>
internal static class NoCloudFormat
{
    // Netplan's bond parameter names → the sysfs bonding options rancher.network's bond_opts takes (version 1's
    // bond-xxx names already are sysfs names once the prefix is gone).
    private static readonly Dictionary<string, string> s_bondParameters = new(StringComparer.Ordinal)
    {
        ["mii-monitor-interval"] = "miimon",
        ["lacp-rate"] = "lacp_rate",
        ["transmit-hash-policy"] = "xmit_hash_policy",
        ["up-delay"] = "updelay",
        ["down-delay"] = "downdelay",
        ["ad-select"] = "ad_select",
        ["min-links"] = "min_links",
        ["arp-interval"] = "arp_interval",
        ["arp-ip-targets"] = "arp_ip_target",
        ["arp-validate"] = "arp_validate",
        ["all-slaves-active"] = "all_slaves_active",
        ["fail-over-mac-policy"] = "fail_over_mac",
        ["gratuitous-arp"] = "num_grat_arp",
        ["packets-per-slave"] = "packets_per_slave",
        ["primary-reselect-policy"] = "primary_reselect",
        ["learn-packet-interval"] = "lp_interval",
    };

    public static InstanceMetadata Read(string? metaData, string? networkConfig, string source, string metaDataName, string networkConfigName, ICollection<string> warnings)
    {
        var meta = metaData is null ? null : Tree.ParseYaml(metaData, source, metaDataName);
        var keys = Keys(meta?.GetValueOrDefault("public-keys"));
        var hostname = Tree.String(meta, "local-hostname") ?? Tree.String(meta, "hostname");
        Dictionary<string, object?>? network = null;
        if (networkConfig is not null)
        {
            var config = Tree.ParseYaml(networkConfig, source, networkConfigName);
            var body = Tree.Map(config, "network") ?? config;
            network = Tree.String(body, "version") switch
            {
                "1" => Version1(body, networkConfigName, warnings),
                "2" => Version2(body, networkConfigName, warnings),
                var other => throw new DatasourceException(source, $"{networkConfigName}: version: expected 1 or 2, got {other ?? "nothing"}"),
            };
        }
        return new InstanceMetadata { Hostname = hostname, SshPublicKeys = keys, Network = network };
    }

    // public-keys may be one key, a list, or a map of name to key (or to a list of keys).
    private static Dictionary<string, string> Keys(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map
            .SelectMany(p => p.Value is IReadOnlyList<object?> list
                ? list.Select((k, i) => (Name: $"{p.Key}-{i:D3}", Key: Tree.String(k)))
                : [(Name: p.Key, Key: Tree.String(p.Value))])
            .Where(p => p.Key is not null)
            .ToDictionary(p => p.Name, p => p.Key!, StringComparer.Ordinal),
        IReadOnlyList<object?> list => InstanceMetadata.NumberKeys("nocloud", list.Select(Tree.String).OfType<string>()),
        string single => InstanceMetadata.NumberKeys("nocloud", [single]),
        _ => new Dictionary<string, string>(StringComparer.Ordinal),
    };

    private static Dictionary<string, object?>? Version1(IReadOnlyDictionary<string, object?> body, string file, ICollection<string> warnings)
    {
        var tree = new NetworkTree();
        foreach (var item in Tree.List(body, "config").Select(Tree.Map).OfType<IReadOnlyDictionary<string, object?>>())
        {
            var type = Tree.String(item, "type");
            var name = Tree.String(item, "name");
            switch (type)
            {
                case "physical" or "bond" or "vlan":
                    var entry = tree.Interface(name ?? $"mac={Tree.String(item, "mac_address")?.ToLowerInvariant()}");
                    if (name is not null && Tree.String(item, "mac_address") is { } mac)
                    {
                        entry["match"] = $"mac={mac.ToLowerInvariant()}";
                    }
                    if (Tree.String(item, "mtu") is { } mtu && int.TryParse(mtu, out var m))
                    {
                        entry["mtu"] = m;
                    }
                    if (type == "bond" && name is not null)
                    {
                        foreach (var slave in Tree.Strings(item, "bond_interfaces"))
                        {
                            tree.Interface(slave)["bond"] = name;
                        }
                        var options = Tree.Map(item, "params")?
                            .Where(p => Tree.String(p.Value) is not null)
                            .ToDictionary(p => p.Key.StartsWith("bond-", StringComparison.Ordinal) ? p.Key[5..].Replace('-', '_') : p.Key, p => (object?)Tree.String(p.Value), StringComparer.Ordinal);
                        if (options is { Count: > 0 })
                        {
                            entry["bond_opts"] = options;
                        }
                    }
                    if (type == "vlan" && Tree.String(item, "vlan_link") is { } link && Tree.String(item, "vlan_id") is { } id && name is not null)
                    {
                        var parent = tree.Interface(link);
                        parent["vlans"] = parent.GetValueOrDefault("vlans") is string existing ? $"{existing},{id}:{name}" : $"{id}:{name}";
                    }
                    foreach (var subnet in Tree.List(item, "subnets").Select(Tree.Map).OfType<IReadOnlyDictionary<string, object?>>())
                    {
                        Subnet(tree, entry, subnet);
                    }
                    break;
                case "nameserver":
                    tree.AddNameservers(Tree.Strings(item, "address"));
                    tree.AddSearch(Tree.Strings(item, "search"));
                    break;
                default:
                    warnings.Add($"{file}: config entry of type {type ?? "(none)"} ignored (only physical, bond, vlan and nameserver are supported)");
                    break;
            }
        }
        return tree.Build();
    }

    private static void Subnet(NetworkTree tree, Dictionary<string, object?> entry, IReadOnlyDictionary<string, object?> subnet)
    {
        switch (Tree.String(subnet, "type"))
        {
            case "dhcp" or "dhcp4" or "dhcp6" or "ipv6_dhcpv6-stateful" or "ipv6_slaac":
                entry["dhcp"] = true;
                break;
            case "static" or "static6":
                if (NetworkTree.Cidr(Tree.String(subnet, "address"), Tree.String(subnet, "netmask")) is { } cidr)
                {
                    NetworkTree.AddAddress(entry, cidr);
                }
                NetworkTree.SetGateway(entry, Tree.String(subnet, "gateway"));
                break;
        }
        tree.AddNameservers(Tree.Strings(subnet, "dns_nameservers"));
        tree.AddSearch(Tree.Strings(subnet, "dns_search"));
    }

    private static Dictionary<string, object?>? Version2(IReadOnlyDictionary<string, object?> body, string file, ICollection<string> warnings)
    {
        var tree = new NetworkTree();
        foreach (var (id, value) in Tree.Map(body, "ethernets") ?? new Dictionary<string, object?>())
        {
            var settings = Tree.Map(value);
            var entry = tree.Interface(Tree.String(settings, "set-name") ?? id);
            var match = Tree.Map(settings, "match");
            if (Tree.String(match, "macaddress") is { } mac)
            {
                entry["match"] = $"mac={mac.ToLowerInvariant()}";
            }
            else if (Tree.String(match, "name") is { } glob)
            {
                entry["match"] = glob;
            }
            Common(tree, entry, settings);
        }
        foreach (var (id, value) in Tree.Map(body, "bonds") ?? new Dictionary<string, object?>())
        {
            var settings = Tree.Map(value);
            var entry = tree.Interface(id);
            foreach (var slave in Tree.Strings(settings, "interfaces"))
            {
                tree.Interface(slave)["bond"] = id;
            }
            var options = Tree.Map(settings, "parameters")?
                .Where(p => Tree.String(p.Value) is not null)
                .ToDictionary(p => s_bondParameters.GetValueOrDefault(p.Key) ?? p.Key.Replace('-', '_'), p => (object?)Tree.String(p.Value), StringComparer.Ordinal);
            if (options is { Count: > 0 })
            {
                entry["bond_opts"] = options;
            }
            Common(tree, entry, settings);
        }
        foreach (var (id, value) in Tree.Map(body, "vlans") ?? new Dictionary<string, object?>())
        {
            var settings = Tree.Map(value);
            if (Tree.String(settings, "link") is { } link && Tree.String(settings, "id") is { } vlan)
            {
                var parent = tree.Interface(link);
                parent["vlans"] = parent.GetValueOrDefault("vlans") is string existing ? $"{existing},{vlan}:{id}" : $"{vlan}:{id}";
            }
            Common(tree, tree.Interface(id), settings);
        }
        foreach (var section in new[] { "bridges", "wifis", "tunnels" }.Where(body.ContainsKey))
        {
            warnings.Add($"{file}: {section} ignored (only ethernets, bonds and vlans are supported)");
        }
        return tree.Build();
    }

    private static void Common(NetworkTree tree, Dictionary<string, object?> entry, IReadOnlyDictionary<string, object?>? settings)
    {
        if (Tree.IsTrue(settings, "dhcp4") || Tree.IsTrue(settings, "dhcp6"))
        {
            entry["dhcp"] = true;
        }
        foreach (var address in Tree.Strings(settings, "addresses"))
        {
            NetworkTree.AddAddress(entry, NetworkTree.Cidr(address, null) ?? address);
        }
        NetworkTree.SetGateway(entry, Tree.String(settings, "gateway4"));
        NetworkTree.SetGateway(entry, Tree.String(settings, "gateway6"));
        foreach (var route in Tree.List(settings, "routes").Select(Tree.Map))
        {
            if (Tree.String(route, "to") is "default" or "0.0.0.0/0" or "::/0")
            {
                NetworkTree.SetGateway(entry, Tree.String(route, "via"));
            }
        }
        if (Tree.String(settings, "mtu") is { } mtu && int.TryParse(mtu, out var m))
        {
            entry["mtu"] = m;
        }
        var nameservers = Tree.Map(settings, "nameservers");
        tree.AddNameservers(Tree.Strings(nameservers, "addresses"));
        tree.AddSearch(Tree.Strings(nameservers, "search"));
    }
}
