using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>OpenStack's metadata service over HTTP: openstack/latest/{meta_data.json, network_data.json, user_data}, as on a config drive.</summary>
internal sealed class OpenStackDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout) : HttpDatasource(name, client, timeout)
{
    private readonly Uri _latest = new(baseUri, "openstack/latest/");

    protected override Uri ProbeUrl => new(_latest, "meta_data.json");

    public override async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var metaUrl = new Uri(_latest, "meta_data.json");
        var networkUrl = new Uri(_latest, "network_data.json");
        var meta = await Http.GetAsync(metaUrl, cancellationToken).ConfigureAwait(false);
        var network = await Http.GetOptionalAsync(networkUrl, cancellationToken).ConfigureAwait(false);
        var userData = await Http.GetOptionalAsync(new Uri(_latest, "user_data"), cancellationToken).ConfigureAwait(false);
        return new CloudData(userData, OpenStackFormat.Read(meta, network, Name, metaUrl.ToString(), networkUrl.ToString()));
    }
}
