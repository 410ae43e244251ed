using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// DigitalOcean: metadata/v1.json holds everything (hostname, public_keys, user_data, interfaces, dns). Interfaces
/// are static: eth0, eth1 ... public ones first, then private, matched by MAC; only public ones carry the default gateway.
/// </summary>
internal sealed class DigitalOceanDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout) : HttpDatasource(name, client, timeout)
{
    private readonly Uri _url = new(baseUri, "metadata/v1.json");

    protected override Uri ProbeUrl => _url;

    public override async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var metadata = await GetJsonAsync(_url, MetadataJson.Default.DigitalOceanMetadata, cancellationToken).ConfigureAwait(false);
        var network = new NetworkTree();
        var index = 0;
        foreach (var (nic, isPublic) in (metadata.Interfaces?.Public ?? []).Select(n => (n, true)).Concat((metadata.Interfaces?.Private ?? []).Select(n => (n, false))))
        {
            var entry = network.Interface($"eth{index++}");
            if (!string.IsNullOrEmpty(nic.Mac))
            {
                entry["match"] = $"mac={nic.Mac.ToLowerInvariant()}";
            }
            foreach (var address in new[] { nic.Ipv4, nic.AnchorIpv4 })
            {
                if (NetworkTree.Cidr(address?.IpAddress, address?.Netmask) is { } cidr)
                {
                    NetworkTree.AddAddress(entry, cidr);
                }
            }
            if (nic.Ipv6?.IpAddress is { Length: > 0 } ipv6)
            {
                NetworkTree.AddAddress(entry, $"{ipv6}/{nic.Ipv6.Cidr ?? 64}");
            }
            if (isPublic)
            {
                NetworkTree.SetGateway(entry, nic.Ipv4?.Gateway);
                NetworkTree.SetGateway(entry, nic.Ipv6?.Gateway);
            }
        }
        network.AddNameservers(metadata.Dns?.Nameservers);
        return new CloudData(
            UserDataText(metadata.UserData),
            new InstanceMetadata
            {
                Hostname = NonBlank(metadata.Hostname),
                SshPublicKeys = InstanceMetadata.NumberKeys("digitalocean", metadata.PublicKeys ?? []),
                Network = network.Build(),
            });
    }
}
