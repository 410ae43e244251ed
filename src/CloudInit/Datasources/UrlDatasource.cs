namespace CorralOS.CloudInit.Datasources;

/// <summary>url:&lt;url&gt; (and the cmdline source once it found its URL): the body is the user data; no metadata.</summary>
internal sealed class UrlDatasource(string name, Func<Uri?> url, HttpClient client, TimeSpan timeout) : HttpDatasource(name, client, timeout)
{
    protected override Uri? ProbeUrl => url();

    public override async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var target = url() ?? throw new DatasourceException(Name, "no URL");
        return new CloudData(await Http.GetAsync(target, cancellationToken).ConfigureAwait(false), InstanceMetadata.Empty);
    }

    /// <summary>An absolute http(s) URL, or null.</summary>
    public static Uri? ParseUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;
}
