using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Registry;

/// <summary>
/// Talks to one repository of one registry (Docker Registry HTTP API v2) for one pull or push. Authorization is
/// found the way Docker does: a request answered 401 is repeated once with what its WWW-Authenticate challenge asks
/// for: Basic with the credentials, or a Bearer token from the challenge's realm for this repository's scope.
/// </summary>
public sealed class RegistrySession
{
    // One pool for the engine; no overall timeout because layers are as large as they are (cancellation ends a pull).
    private static readonly HttpClient s_http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public static readonly string[] ManifestTypes =
    [
        MediaTypes.OciIndex, MediaTypes.DockerManifestList, MediaTypes.OciManifest, MediaTypes.DockerManifest,
    ];

    private readonly Uri _base;
    private readonly RegistryCredentials? _credentials;
    private readonly string _scope;
    private AuthenticationHeaderValue? _authorization;

    public RegistrySession(ImageReference reference, RegistryCredentials? credentials, RegistrySettings settings, bool push)
    {
        Reference = reference;
        _credentials = credentials;
        _base = RegistryHosts.BaseAddress(reference.Domain, settings.InsecureRegistries);
        _scope = $"repository:{reference.Path}:{(push ? "pull,push" : "pull")}";
    }

    public ImageReference Reference { get; }

    /// <summary>An address under /v2/REPOSITORY/.</summary>
    public Uri Url(string relative) => new(_base, $"v2/{Reference.Path}/{relative}");

    /// <summary>GET /v2/ (docker login's check); succeeds when the registry accepts these credentials, if any.</summary>
    public async Task CheckLoginAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "v2/")), cancellationToken);
        await EnsureSuccessAsync(response, $"login to {Reference.Domain}", cancellationToken);
    }

    /// <summary>
    /// Sends a request made by <paramref name="make"/> (called again for the authorized retry, so a body is
    /// reopened). The response's body is not read yet; the caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = make();
            request.Headers.Authorization ??= _authorization;
            HttpResponseMessage response;
            try
            {
                response = await s_http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new RegistryException($"{request.Method} {request.RequestUri}: {e.Message}", e);
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && await AuthorizeAsync(response, cancellationToken))
            {
                response.Dispose();
                continue;
            }
            return response;
        }
    }

    /// <summary>Throws the registry's own error (Docker's wording: "manifest unknown: manifest unknown") for a failed answer.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await ReadLimitedAsync(response.Content, 64 * 1024, what, cancellationToken, truncate: true);
        var detail = Describe(response.StatusCode, body);
        var message = $"{what}: {detail}";
        throw response.StatusCode == HttpStatusCode.NotFound ? new NotFoundException(message) : new RegistryException(message);
    }

    /// <summary>Reads a whole body, refusing more than <paramref name="max"/> bytes (manifests and configs are small).</summary>
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, long max, string what, CancellationToken cancellationToken, bool truncate = false)
    {
        if (!truncate && content.Headers.ContentLength > max)
        {
            throw new RegistryException($"{what}: {content.Headers.ContentLength} bytes is more than the {max} allowed");
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > max)
            {
                if (truncate)
                {
                    buffer.Write(chunk, 0, (int)(max - buffer.Length));
                    break;
                }
                throw new RegistryException($"{what}: more than the {max} bytes allowed");
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static string Describe(HttpStatusCode status, byte[] body)
    {
        try
        {
            var errors = JsonSerializer.Deserialize(body, RegistryJson.Default.RegistryErrorBody)?.Errors;
            if (errors is { Count: > 0 })
            {
                return string.Join("; ", errors.Select(e =>
                    $"{(e.Code ?? "unknown").Replace('_', ' ').ToLowerInvariant()}: {e.Message}"));
            }
        }
        catch (JsonException)
        {
            // Not the registry's error format (a proxy's page, say): the status says it.
        }
        var text = Encoding.UTF8.GetString(body).ReplaceLineEndings(" ").Trim();
        // HEAD answers have no body; say what Docker says for them.
        if (text.Length == 0 && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return status == HttpStatusCode.Unauthorized ? "unauthorized: authentication required" : "denied: requested access to the resource is denied";
        }
        return $"{(int)status} {status}" + (text.Length > 0 ? $": {(text.Length > 200 ? text[..200] : text)}" : "");
    }

    private async Task<bool> AuthorizeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var challenges = response.Headers.WwwAuthenticate.Select(h => AuthChallenge.Parse(h.Scheme, h.Parameter)).ToList();
        var bearer = challenges.FirstOrDefault(c => c.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));
        if (bearer is not null)
        {
            _authorization = new AuthenticationHeaderValue("Bearer", await FetchTokenAsync(bearer, cancellationToken));
            return true;
        }
        if (challenges.Any(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) && _credentials is not null)
        {
            _authorization = BasicHeader(_credentials);
            return true;
        }
        return false;
    }

    private async Task<string> FetchTokenAsync(AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var realm = challenge["realm"];
        if (realm is null || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || (realmUri.Scheme != "https" && realmUri.Scheme != "http"))
        {
            throw new RegistryException($"{Reference.Domain} asks for a token without a usable realm ({realm ?? "none"})");
        }
        var query = new List<string>();
        if (challenge["service"] is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }
        query.Add("scope=" + Uri.EscapeDataString(_scope));
        if (_credentials is not null)
        {
            query.Add("account=" + Uri.EscapeDataString(_credentials.Username));
        }
        var separator = string.IsNullOrEmpty(realmUri.Query) ? "?" : "&";
        using var request = new HttpRequestMessage(HttpMethod.Get, realm + separator + string.Join('&', query));
        if (_credentials is not null)
        {
            request.Headers.Authorization = BasicHeader(_credentials);
        }
        HttpResponseMessage response;
        try
        {
            response = await s_http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"getting a token from {realm}: {e.Message}", e);
        }
        using (response)
        {
            var what = $"getting a token from {realm}";
            if (!response.IsSuccessStatusCode)
            {
                var body = await ReadLimitedAsync(response.Content, 64 * 1024, what, cancellationToken, truncate: true);
                throw new RegistryException($"{what}: {Describe(response.StatusCode, body)}");
            }
            var bytes = await ReadLimitedAsync(response.Content, 1024 * 1024, what, cancellationToken);
            TokenResponse? token;
            try
            {
                token = JsonSerializer.Deserialize(bytes, RegistryJson.Default.TokenResponse);
            }
            catch (JsonException e)
            {
                throw new RegistryException($"{what}: the answer is not a token: {e.Message}", e);
            }
            return token?.Token is { Length: > 0 } t ? t
                : token?.AccessToken is { Length: > 0 } a ? a
                : throw new RegistryException($"{what}: the answer has no token");
        }
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));
}
