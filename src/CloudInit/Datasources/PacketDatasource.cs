using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// Equinix Metal (Packet): /metadata (JSON) and /userdata. As RancherOS did: every NIC is enslaved by MAC to the
/// bond the metadata names (bond0), which carries the addresses, the public gateways, the bonding mode with
/// Packet's LACP options, a route to 10.0.0.0/8 through the private gateway, and Packet's resolvers.
/// </summary>
internal sealed class PacketDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout) : HttpDatasource(name, client, timeout)
{
    private static readonly string[] s_resolvers = ["147.75.207.207", "147.75.207.208"];

    protected override Uri ProbeUrl => new(baseUri, "metadata");

    public override async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var metadata = await GetJsonAsync(ProbeUrl, MetadataJson.Default.PacketMetadata, cancellationToken).ConfigureAwait(false);
        var userData = await Http.GetOptionalAsync(new Uri(baseUri, "userdata"), cancellationToken).ConfigureAwait(false);
        return new CloudData(userData is { Length: > 0 } ? userData : null, new InstanceMetadata
        {
            Hostname = NonBlank(metadata.Hostname),
            SshPublicKeys = InstanceMetadata.NumberKeys("packet", metadata.SshKeys ?? []),
            Network = Network(metadata.Network),
        });
    }

    private static Dictionary<string, object?>? Network(PacketNetwork? network)
    {
        if (network is null)
        {
            return null;
        }
        var tree = new NetworkTree();
        var bondName = network.Interfaces?.Select(i => i.Bond).FirstOrDefault(b => !string.IsNullOrEmpty(b)) ?? "bond0";
        foreach (var nic in network.Interfaces ?? [])
        {
            var key = string.IsNullOrEmpty(nic.Mac) ? nic.Name : $"mac={nic.Mac.ToLowerInvariant()}";
            if (key is not null)
            {
                tree.Interface(key)["bond"] = string.IsNullOrEmpty(nic.Bond) ? bondName : nic.Bond;
            }
        }
        var bond = tree.Interface(bondName);
        foreach (var address in network.Addresses ?? [])
        {
            if (address.Address is not { Length: > 0 } ip)
            {
                continue;
            }
            NetworkTree.AddAddress(bond, address.Cidr is { } cidr ? $"{ip}/{cidr}" : NetworkTree.Cidr(ip, null)!);
            if (address.Public == true)
            {
                NetworkTree.SetGateway(bond, address.Gateway);
            }
            else if (address.AddressFamily == 4 && !string.IsNullOrEmpty(address.Gateway))
            {
                bond["post_up"] = new List<object?> { $"ip route add 10.0.0.0/8 via {address.Gateway}" };
            }
        }
        bond["bond_opts"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["lacp_rate"] = "1",
            ["xmit_hash_policy"] = "layer3+4",
            ["downdelay"] = "200",
            ["updelay"] = "200",
            ["miimon"] = "100",
            ["mode"] = (network.Bonding?.Mode ?? 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        tree.AddNameservers(s_resolvers);
        return tree.Build();
    }
}
