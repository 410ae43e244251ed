namespace CorralOS.CloudInit.Formats;

/// <summary>OpenStack's meta_data.json and network_data.json, from a config drive or the metadata service.</summary>
internal static class OpenStackFormat
{
    public static InstanceMetadata Read(byte[]? metaData, byte[]? networkData, string source, string metaDataName, string networkDataName)
    {
        var meta = metaData is null ? new OpenStackMetaData() : MetadataJson.Parse(metaData, MetadataJson.Default.OpenStackMetaData, source, metaDataName);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, key) in meta.PublicKeys ?? [])
        {
            keys[name] = key.Trim();
        }
        // Newer services list keys (with a type) in "keys" too; add the ones public_keys lacks.
        foreach (var key in meta.Keys ?? [])
        {
            if (key is { Name: { } name, Data: { } data } && key.Type is null or "ssh")
            {
                keys.TryAdd(name, data.Trim());
            }
        }
        var network = networkData is null ? null : Network(MetadataJson.Parse(networkData, MetadataJson.Default.OpenStackNetworkData, source, networkDataName));
        return new InstanceMetadata { Hostname = NonEmpty(meta.Hostname) ?? NonEmpty(meta.Name), SshPublicKeys = keys, Network = network };
    }

    private static Dictionary<string, object?>? Network(OpenStackNetworkData data)
    {
        var tree = new NetworkTree();
        var links = (data.Links ?? []).Where(l => l.Id is not null).ToDictionary(l => l.Id!, StringComparer.Ordinal);
        foreach (var network in data.Networks ?? [])
        {
            var link = network.Link is { } id ? links.GetValueOrDefault(id) : null;
            var key = link?.MacAddress is { Length: > 0 } mac ? $"mac={mac.ToLowerInvariant()}" : network.Link ?? network.Id ?? "eth0";
            var entry = tree.Interface(key);
            if (link?.Mtu is { } mtu)
            {
                entry["mtu"] = mtu;
            }
            switch (network.Type)
            {
                case "ipv4_dhcp" or "ipv6_dhcp" or "ipv6_slaac":
                    entry["dhcp"] = true;
                    break;
                case "ipv4" or "ipv6":
                    if (NetworkTree.Cidr(network.IpAddress, network.Netmask) is { } cidr)
                    {
                        NetworkTree.AddAddress(entry, cidr);
                    }
                    foreach (var route in network.Routes ?? [])
                    {
                        if (route.Network is "0.0.0.0" or "::" && route.Netmask is "0.0.0.0" or "::" or null)
                        {
                            NetworkTree.SetGateway(entry, route.Gateway);
                        }
                    }
                    break;
            }
        }
        tree.AddNameservers((data.Services ?? []).Where(s => s.Type == "dns" && s.Address is not null).Select(s => s.Address!));
        return tree.Build();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
