using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>OpenStack's metadata service over HTTP: openstack/latest/{meta_data.json, network_data.json, user_data}, as on a config drive.</summary>
internal sealed class OpenStackDatasource : IDatasource
{
    private readonly Uri _latest;
    private readonly MetadataHttp _http;

    public OpenStackDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout)
    {
        Name = name;
        _latest = new Uri(baseUri, "openstack/latest/");
        _http = new MetadataHttp(client, name, timeout);
    }

    public string Name { get; }

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => _http.AnswersAsync(new Uri(_latest, "meta_data.json"), cancellationToken);

    public async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var metaUrl = new Uri(_latest, "meta_data.json");
        var networkUrl = new Uri(_latest, "network_data.json");
        var meta = await _http.GetAsync(metaUrl, cancellationToken).ConfigureAwait(false);
        var network = await _http.GetOptionalAsync(networkUrl, cancellationToken).ConfigureAwait(false);
        var userData = await _http.GetOptionalAsync(new Uri(_latest, "user_data"), cancellationToken).ConfigureAwait(false);
        return new CloudData(userData, OpenStackFormat.Read(meta, network, Name, metaUrl.ToString(), networkUrl.ToString()));
    }
}
