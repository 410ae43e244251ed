using System.Text.Json.Serialization.Metadata;
using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// A datasource read over HTTP (a cloud's metadata service, a URL): its name, its bounded client, the document whose
/// 2xx answer means the service is there, and JSON documents parsed with errors that name the source and the URL.
/// </summary>
internal abstract class HttpDatasource : IDatasource
{
    protected HttpDatasource(string name, HttpClient client, TimeSpan timeout)
    {
        Name = name;
        Http = new MetadataHttp(client, name, timeout);
    }

    public string Name { get; }

    protected MetadataHttp Http { get; }

    /// <summary>The document probed for availability.</summary>
    protected abstract Uri? ProbeUrl { get; }

    public virtual async Task<bool> IsAvailableAsync(CancellationToken cancellationToken) =>
        ProbeUrl is { } url && await Http.AnswersAsync(url, cancellationToken).ConfigureAwait(false);

    public abstract Task<CloudData> FetchAsync(CancellationToken cancellationToken);

    protected async Task<T> GetJsonAsync<T>(Uri url, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        MetadataJson.Parse(await Http.GetAsync(url, cancellationToken).ConfigureAwait(false), type, Name, url.ToString());

    /// <summary>A metadata string with its blanks trimmed, or null when there is nothing in it.</summary>
    protected static string? NonBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>User data given as a JSON string (GCE's attribute, DigitalOcean's user_data), or null when empty.</summary>
    protected static byte[]? UserDataText(string? text) => string.IsNullOrEmpty(text) ? null : System.Text.Encoding.UTF8.GetBytes(text);
}
