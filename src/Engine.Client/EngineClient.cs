using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CorralOS.Engine.Client;

/// <summary>
/// The Docker Engine API calls the service manager and `ros service` need, over a unix socket, API v1.41. Every
/// failure is an <see cref="EngineApiException"/> with one line: the engine's message, or why it could not be reached.
/// </summary>
public sealed partial class EngineClient : IDisposable
{
    public const string SystemDockerHost = "unix:///var/run/system-docker.sock";
    public const string UserDockerHost = "unix:///var/run/docker.sock";
    internal const string Prefix = "/v1.41";

    private readonly HttpClient _http;

    /// <param name="host">unix:///path/to.sock, or an absolute socket path.</param>
    public EngineClient(string host)
    {
        Host = host;
        SocketPath = ParseHost(host);
        _http = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectAsync, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = new Uri("http://localhost"),
            Timeout = Timeout.InfiniteTimeSpan, // wait and followed logs last as long as the container; callers pass tokens
        };
    }

    public string Host { get; }

    public string SocketPath { get; }

    public static string ParseHost(string host)
    {
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            host = host["unix://".Length..];
        }
        if (!host.StartsWith('/'))
        {
            throw new ArgumentException($"unsupported engine host \"{host}\": only unix:///absolute/path sockets");
        }
        return host;
    }

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "/_ping", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Containers, running only unless <paramref name="all"/>; <paramref name="labels"/> are "key" or "key=value" filters (all must match).</summary>
    public async Task<List<ContainerListItem>> ListContainersAsync(bool all, IEnumerable<string>? labels = null, CancellationToken cancellationToken = default)
    {
        var query = $"/containers/json?all={(all ? 1 : 0)}";
        var labelList = labels?.ToList() ?? [];
        if (labelList.Count > 0)
        {
            var filters = JsonSerializer.Serialize(new Dictionary<string, List<string>> { ["label"] = labelList }, ClientJson.Default.DictionaryStringListString);
            query += "&filters=" + Uri.EscapeDataString(filters);
        }
        return await GetJsonAsync(query, ClientJson.Default.ListContainerListItem, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> CreateContainerAsync(string? name, ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        var path = "/containers/create" + (string.IsNullOrEmpty(name) ? "" : "?name=" + Uri.EscapeDataString(name));
        using var content = JsonContent.Create(spec, ClientJson.Default.ContainerSpec);
        using var response = await SendAsync(HttpMethod.Post, path, content, cancellationToken).ConfigureAwait(false);
        var created = await response.Content.ReadFromJsonAsync(ClientJson.Default.CreateResponse, cancellationToken).ConfigureAwait(false);
        return created?.Id ?? throw new EngineApiException("the engine answered a create without an Id");
    }

    /// <summary>Starts a container; false when it was already running (304).</summary>
    public async Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/start", null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.NotModified;
    }

    /// <summary>Stops a container (its stop signal, then SIGKILL after <paramref name="timeoutSeconds"/>); false when it was not running.</summary>
    public async Task<bool> StopContainerAsync(string id, int? timeoutSeconds = null, CancellationToken cancellationToken = default)
    {
        var query = timeoutSeconds is { } t ? "?t=" + t.ToString(CultureInfo.InvariantCulture) : "";
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/stop{query}", null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.NotModified;
    }

    public async Task RestartContainerAsync(string id, int? timeoutSeconds = null, CancellationToken cancellationToken = default)
    {
        var query = timeoutSeconds is { } t ? "?t=" + t.ToString(CultureInfo.InvariantCulture) : "";
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/restart{query}", null, cancellationToken).ConfigureAwait(false);
    }

    public async Task KillContainerAsync(string id, string? signal = null, CancellationToken cancellationToken = default)
    {
        var query = string.IsNullOrEmpty(signal) ? "" : "?signal=" + Uri.EscapeDataString(signal);
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/kill{query}", null, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveContainerAsync(string id, bool force = false, bool volumes = false, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/containers/{Escape(id)}?force={(force ? 1 : 0)}&v={(volumes ? 1 : 0)}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The container, or null when there is none of that name or ID.</summary>
    public async Task<ContainerDetails?> InspectContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetJsonAsync($"/containers/{Escape(id)}/json", ClientJson.Default.ContainerDetails, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>Waits until the container is not running (or the condition: next-exit, removed) and returns its exit status.</summary>
    public async Task<long> WaitContainerAsync(string id, string condition = "not-running", CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(id)}/wait?condition={condition}", null, cancellationToken).ConfigureAwait(false);
        var result = await response.Content.ReadFromJsonAsync(ClientJson.Default.WaitResponse, cancellationToken).ConfigureAwait(false);
        return result?.StatusCode ?? throw new EngineApiException("the engine answered a wait without a StatusCode");
    }

    /// <summary>
    /// Copies a container's log to <paramref name="stdout"/> and <paramref name="stderr"/> (demultiplexed unless it
    /// has a TTY); <paramref name="tail"/> null for all lines; <paramref name="follow"/> until the container stops.
    /// </summary>
    public async Task LogsAsync(string id, Stream stdout, Stream stderr, bool follow = false, int? tail = null, bool timestamps = false, CancellationToken cancellationToken = default)
    {
        var details = await InspectContainerAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new EngineApiException($"No such container: {id}", HttpStatusCode.NotFound);
        var query = new StringBuilder($"/containers/{Escape(id)}/logs?stdout=1&stderr=1");
        query.Append(CultureInfo.InvariantCulture, $"&follow={(follow ? 1 : 0)}&timestamps={(timestamps ? 1 : 0)}&tail={(tail is { } n ? n.ToString(CultureInfo.InvariantCulture) : "all")}");
        using var request = new HttpRequestMessage(HttpMethod.Get, Prefix + query);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (details.Config.Tty)
        {
            await body.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            return;
        }
        await LogFrames.CopyAsync(body, stdout, stderr, cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<ImageListItem>> ListImagesAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync("/images/json", ClientJson.Default.ListImageListItem, cancellationToken).ConfigureAwait(false);

    /// <summary>The image, or null when the engine has none by that name or ID.</summary>
    public async Task<ImageDetails?> InspectImageAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetJsonAsync($"/images/{Escape(name)}/json", ClientJson.Default.ImageDetails, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Loads a `docker save` archive (POST /images/load) and returns the engine's `Loaded image: X` lines. An archive the
    /// engine refuses is an <see cref="EngineApiException"/>, also when dockerd says so inside a 200 answer's stream.
    /// </summary>
    public async Task<IReadOnlyList<string>> LoadImageAsync(Stream archive, CancellationToken cancellationToken = default)
    {
        using var content = new StreamContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await SendAsync(HttpMethod.Post, "/images/load?quiet=1", content, cancellationToken).ConfigureAwait(false);
        var loaded = new List<string>();
        using var reader = new StringReader(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] != '{')
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                throw new EngineApiException(error.GetString()?.Trim() ?? line);
            }
            if (document.RootElement.TryGetProperty("stream", out var stream) && stream.GetString()?.Trim() is { Length: > 0 } text)
            {
                loaded.Add(text);
            }
        }
        return loaded;
    }

    /// <summary>Pulls an image (POST /images/create), reading the progress stream to its end; a streamed error is thrown.</summary>
    public Task PullImageAsync(string image, CancellationToken cancellationToken = default) => PullImageAsync(image, _ => { }, cancellationToken);

    /// <summary>Pulls an image as above; <paramref name="progress"/> receives each line of the engine's progress stream.</summary>
    public async Task PullImageAsync(string image, Action<PullProgress> progress, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/images/create?fromImage={Uri.EscapeDataString(image)}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Contains("\"error\"", StringComparison.Ordinal))
            {
                using var document = JsonDocument.Parse(line);
                throw new EngineApiException(document.RootElement.GetProperty("error").GetString() ?? line);
            }
            if (PullProgress.Parse(line) is { } parsed)
            {
                progress(parsed);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    internal static string Escape(string id) => Uri.EscapeDataString(id);

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new EngineApiException($"the engine answered {path} with an empty body");
    }

    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Prefix + path) { Content = content };
        return await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    // The one place where transport failures and error answers become EngineApiException.
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException socket ? socket.Message : e.Message;
            throw new EngineApiException($"cannot reach the engine at {Host}: {reason}", null, e);
        }
        if ((int)response.StatusCode < 400)
        {
            return response;
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string? message = null;
            try
            {
                message = JsonSerializer.Deserialize(body, ClientJson.Default.ErrorResponse)?.Message;
            }
            catch (JsonException)
            {
                // not JSON: the body itself is the message
            }
            message ??= body.Length > 0 ? body : $"{(int)response.StatusCode} {response.ReasonPhrase}";
            throw new EngineApiException(message.Trim().Split('\n')[0], response.StatusCode);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
