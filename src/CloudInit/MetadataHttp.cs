using System.Net;

namespace CorralOS.CloudInit;

/// <summary>
/// HTTP for one datasource: each request bounded by the request timeout, failures turned into one-line
/// <see cref="DatasourceException"/>s naming the source and the URL.
/// </summary>
internal sealed class MetadataHttp
{
    private readonly HttpClient _client;
    private readonly string _source;
    private readonly TimeSpan _timeout;

    public MetadataHttp(HttpClient client, string source, TimeSpan timeout)
    {
        _client = client;
        _source = source;
        _timeout = timeout;
    }

    /// <summary>Headers every request carries (GCE's Metadata-Flavor, EC2's session token).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the URL answers 2xx in time; never throws for network trouble.</summary>
    public async Task<bool> AnswersAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (DatasourceException)
        {
            return false;
        }
    }

    /// <summary>The body, or null on 404 (an optional item such as user-data); any other failure throws.</summary>
    public async Task<byte[]?> GetOptionalAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        EnsureSuccess(url, response);
        return await ReadAsync(url, response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> GetAsync(Uri url, CancellationToken cancellationToken) =>
        await GetOptionalAsync(url, cancellationToken).ConfigureAwait(false)
            ?? throw new DatasourceException(_source, $"{url}: 404 Not Found");

    public async Task<string?> GetTextAsync(Uri url, CancellationToken cancellationToken) =>
        await GetOptionalAsync(url, cancellationToken).ConfigureAwait(false) is { } body ? System.Text.Encoding.UTF8.GetString(body) : null;

    /// <summary>Sends a request; the caller owns the response. Timeouts and connection failures throw one-line errors.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, IReadOnlyDictionary<string, string>? extraHeaders, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        foreach (var (name, value) in Headers.Concat(extraHeaders ?? new Dictionary<string, string>()))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatasourceException(_source, $"{url}: no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new DatasourceException(_source, $"{url}: {FirstLine(e)}", e);
        }
    }

    private void EnsureSuccess(Uri url, HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new DatasourceException(_source, $"{url}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    // Metadata is small; a service that streams without end must not fill memory.
    private const int MaxBody = 16 * 1024 * 1024;

    /// <summary>The body of a response, bounded in time and size like every other read.</summary>
    public async Task<byte[]> ReadAsync(Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBody)
                {
                    throw new DatasourceException(_source, $"{url}: larger than {MaxBody / 1024 / 1024} MiB");
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatasourceException(_source, $"{url}: body not received within {_timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new DatasourceException(_source, $"{url}: {FirstLine(e)}", e);
        }
    }

    private static string FirstLine(Exception e) => (e.InnerException?.Message ?? e.Message).Split('\n')[0].Trim();
}
