using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// DigitalOcean: metadata/v1.json holds everything (hostname, public_keys, user_data, interfaces, dns). Interfaces
/// are static: eth0, eth1 ... public ones first, then private, matched by MAC; only public ones carry the default gateway.
/// </summary>
internal sealed class DigitalOceanDatasource : IDatasource
{
    private readonly Uri _url;
    private readonly MetadataHttp _http;

    public DigitalOceanDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout)
    {
        Name = name;
        _url = new Uri(baseUri, "metadata/v1.json");
        _http = new MetadataHttp(client, name, timeout);
    }

    public string Name { get; }

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => _http.AnswersAsync(_url, cancellationToken);

    public async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var metadata = MetadataJson.Parse(await _http.GetAsync(_url, cancellationToken).ConfigureAwait(false), MetadataJson.Default.DigitalOceanMetadata, Name, _url.ToString());
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
            string.IsNullOrEmpty(metadata.UserData) ? null : System.Text.Encoding.UTF8.GetBytes(metadata.UserData),
            new InstanceMetadata
            {
                Hostname = string.IsNullOrWhiteSpace(metadata.Hostname) ? null : metadata.Hostname.Trim(),
                SshPublicKeys = InstanceMetadata.NumberKeys("digitalocean", metadata.PublicKeys ?? []),
                Network = network.Build(),
            });
    }
}
