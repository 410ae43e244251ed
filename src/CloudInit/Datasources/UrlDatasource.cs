namespace CorralOS.CloudInit.Datasources;

/// <summary>url:&lt;url&gt; (and the cmdline source once it found its URL): the body is the user data; no metadata.</summary>
internal sealed class UrlDatasource : IDatasource
{
    private readonly Func<Uri?> _url;
    private readonly MetadataHttp _http;

    public UrlDatasource(string name, Func<Uri?> url, HttpClient client, TimeSpan timeout)
    {
        Name = name;
        _url = url;
        _http = new MetadataHttp(client, name, timeout);
    }

    public string Name { get; }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken) =>
        _url() is { } url && await _http.AnswersAsync(url, cancellationToken).ConfigureAwait(false);

    public async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var url = _url() ?? throw new DatasourceException(Name, "no URL");
        return new CloudData(await _http.GetAsync(url, cancellationToken).ConfigureAwait(false), InstanceMetadata.Empty);
    }

    /// <summary>An absolute http(s) URL, or null.</summary>
    public static Uri? ParseUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;
}
