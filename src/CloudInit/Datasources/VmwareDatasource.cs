using System.Text;
using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// VMware guestinfo (read with open-vm-tools' rpctool, see <see cref="GuestInfo"/>). User data is cloud-init's
/// guestinfo.userdata, else RancherOS's guestinfo.cloud-init.config.data, else the body of guestinfo.cloud-init.config.url;
/// each with its encoding. Metadata is guestinfo.metadata (YAML or JSON as NoCloud's meta-data: local-hostname,
/// public-keys, network version 1 or 2), with RancherOS's guestinfo.hostname when it names no host.
/// </summary>
internal sealed class VmwareDatasource : IDatasource
{
    private static readonly string[] s_dataKeys = ["userdata", "cloud-init.config.data", "cloud-init.config.url", "metadata"];

    private readonly GuestInfo _guestInfo;
    private readonly MetadataHttp _http;

    public VmwareDatasource(string name, GuestInfo guestInfo, HttpClient client, TimeSpan timeout)
    {
        Name = name;
        _guestInfo = guestInfo;
        _http = new MetadataHttp(client, name, timeout);
    }

    public string Name { get; }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var key in s_dataKeys)
            {
                if (await _guestInfo.GetAsync(Name, key, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return true;
                }
            }
        }
        catch (DatasourceException)
        {
            // No rpctool, or not a VMware guest: the source is simply not there.
        }
        return false;
    }

    public async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var userData = await DecodedAsync("userdata", "userdata.encoding", cancellationToken).ConfigureAwait(false)
            ?? await DecodedAsync("cloud-init.config.data", "cloud-init.data.encoding", cancellationToken).ConfigureAwait(false);
        if (userData is null && await GetAsync("cloud-init.config.url", cancellationToken).ConfigureAwait(false) is { } text)
        {
            var url = UrlDatasource.ParseUrl(text.Trim()) ?? throw new DatasourceException(Name, $"guestinfo.cloud-init.config.url: not an http(s) URL: {text.Trim()}");
            userData = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        }
        var warnings = new List<string>();
        var metadata = InstanceMetadata.Empty;
        if (await DecodedAsync("metadata", "metadata.encoding", cancellationToken).ConfigureAwait(false) is { } bytes)
        {
            var meta = Encoding.UTF8.GetString(bytes);
            var tree = Tree.ParseYaml(meta, Name, "guestinfo.metadata");
            // cloud-init keeps the network config inside the metadata, under network:.
            var network = Tree.Map(tree, "network") is not null ? meta : null;
            metadata = NoCloudFormat.Read(meta, network, Name, "guestinfo.metadata", "guestinfo.metadata network", warnings);
        }
        if (metadata.Hostname is null && await GetAsync("hostname", cancellationToken).ConfigureAwait(false) is { } hostname)
        {
            metadata = metadata with { Hostname = hostname.Trim() };
        }
        return new CloudData(userData, metadata) { Warnings = warnings };
    }

    private Task<string?> GetAsync(string key, CancellationToken cancellationToken) => _guestInfo.GetAsync(Name, key, cancellationToken);

    private async Task<byte[]?> DecodedAsync(string key, string encodingKey, CancellationToken cancellationToken) =>
        await GetAsync(key, cancellationToken).ConfigureAwait(false) is { } value
            ? GuestInfoEncoding.Decode(value, await GetAsync(encodingKey, cancellationToken).ConfigureAwait(false), Name, key)
            : null;
}
