using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CorralOS.Engine.Client;

// The calls a docker-like client makes whose answers it shows as they are (tables, --format, inspect): they return
// the engine's JSON documents, every field kept, rather than typed DTOs.
public sealed partial class EngineClient
{
    /// <summary>GET /containers/json: <paramref name="filters"/> is Docker's filters map (name, id, label, status, ...).</summary>
    public Task<JsonElement> ListContainerDocumentsAsync(bool all, IReadOnlyDictionary<string, List<string>> filters, CancellationToken cancellationToken = default) =>
        GetDocumentAsync($"/containers/json?all={(all ? 1 : 0)}{FiltersQuery(filters)}", cancellationToken);

    public Task<JsonElement> ListImageDocumentsAsync(bool all, IReadOnlyDictionary<string, List<string>> filters, CancellationToken cancellationToken = default) =>
        GetDocumentAsync($"/images/json?all={(all ? 1 : 0)}{FiltersQuery(filters)}", cancellationToken);

    public Task<JsonElement> InspectContainerDocumentAsync(string id, CancellationToken cancellationToken = default) =>
        GetDocumentAsync($"/containers/{Escape(id)}/json", cancellationToken);

    public Task<JsonElement> InspectImageDocumentAsync(string name, CancellationToken cancellationToken = default) =>
        GetDocumentAsync($"/images/{Escape(name)}/json", cancellationToken);

    public Task<JsonElement> VersionAsync(CancellationToken cancellationToken = default) => GetDocumentAsync("/version", cancellationToken);

    public Task<JsonElement> InfoAsync(CancellationToken cancellationToken = default) => GetDocumentAsync("/info", cancellationToken);

    public Task<JsonElement> InspectExecAsync(string id, CancellationToken cancellationToken = default) => GetDocumentAsync($"/exec/{Escape(id)}/json", cancellationToken);

    /// <summary>POST /containers/{id}/exec with Docker's ExecConfig; the exec's ID.</summary>
    public async Task<string> CreateExecAsync(string container, ExecSpec spec, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(JsonSerializer.Serialize(spec, ClientJson.Default.ExecSpec), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, $"/containers/{Escape(container)}/exec", content, cancellationToken).ConfigureAwait(false);
        var created = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), ClientJson.Default.CreateResponse);
        return created?.Id ?? throw new EngineApiException("the engine answered an exec create without an Id");
    }

    /// <summary>POST /exec/{id}/start detached: the process runs on with no streams.</summary>
    public async Task StartExecDetachedAsync(string id, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent("{\"Detach\":true}", Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, $"/exec/{Escape(id)}/start", content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sizes a container's TTY (kind "containers") or an exec's (kind "exec").</summary>
    public async Task ResizeAsync(string kind, string id, int rows, int columns, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, string.Create(CultureInfo.InvariantCulture, $"/{kind}/{Escape(id)}/resize?h={rows}&w={columns}"), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends POST /containers/{id}/wait and returns once the engine has taken it (its answer's head), so a start
    /// that follows cannot outrun it; the task returned completes with the exit code.
    /// </summary>
    public async Task<Task<long>> BeginWaitAsync(string id, string condition, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/containers/{Escape(id)}/wait?condition={Uri.EscapeDataString(condition)}");
        var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return ReadAsync();

        async Task<long> ReadAsync()
        {
            using (request)
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var result = JsonSerializer.Deserialize(body, ClientJson.Default.WaitResponse);
                return result?.StatusCode ?? throw new EngineApiException("the engine answered a wait without a StatusCode");
            }
        }
    }

    /// <summary>POST /images/{name}/tag.</summary>
    public async Task TagImageAsync(string source, string repository, string tag, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/images/{Escape(source)}/tag?repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DELETE /images/{name}: the engine's list of {"Untagged"} and {"Deleted"} entries.</summary>
    public async Task<JsonElement> RemoveImageAsync(string name, bool force, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/images/{Escape(name)}?force={(force ? 1 : 0)}", null, cancellationToken).ConfigureAwait(false);
        return await ReadDocumentAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /images/load; <paramref name="message"/> receives each JSON message of the answer (Docker's {"stream": "Loaded image: ..."}).</summary>
    public async Task LoadImageAsync(Stream archive, bool quiet, Action<JsonElement> message, CancellationToken cancellationToken = default)
    {
        using var content = new StreamContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/images/load?quiet={(quiet ? 1 : 0)}") { Content = content };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ReadMessagesAsync(response, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /images/get: a `docker save` archive of the images, written to <paramref name="destination"/>.</summary>
    public async Task SaveImagesAsync(IEnumerable<string> names, Stream destination, CancellationToken cancellationToken = default)
    {
        var query = string.Join('&', names.Select(n => "names=" + Uri.EscapeDataString(n)));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Prefix}/images/get?{query}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /images/create (a pull) with every JSON message of the progress stream handed on as it comes.</summary>
    public async Task PullImageAsync(string image, string tag, Action<JsonElement> message, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/images/create?fromImage={Uri.EscapeDataString(image)}&tag={Uri.EscapeDataString(tag)}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ReadMessagesAsync(response, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /events until the engine ends the stream (an `until` in the past or future) or the token is cancelled.</summary>
    public async Task EventsAsync(string? since, string? until, IReadOnlyDictionary<string, List<string>> filters, Action<JsonElement> message, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder("/events?");
        if (!string.IsNullOrEmpty(since))
        {
            query.Append("since=").Append(Uri.EscapeDataString(since)).Append('&');
        }
        if (!string.IsNullOrEmpty(until))
        {
            query.Append("until=").Append(Uri.EscapeDataString(until)).Append('&');
        }
        query.Append(FiltersQuery(filters).TrimStart('&'));
        using var request = new HttpRequestMessage(HttpMethod.Get, Prefix + query.ToString().TrimEnd('&', '?'));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ReadMessagesAsync(response, message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET /containers/{id}/logs to the two streams (demultiplexed unless <paramref name="tty"/>); <paramref name="since"/>
    /// and <paramref name="tail"/> as Docker's query parameters ("all" for every line).
    /// </summary>
    public async Task LogsAsync(string id, bool tty, Stream stdout, Stream stderr, bool follow, string tail, bool timestamps, string? since, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder($"/containers/{Escape(id)}/logs?stdout=1&stderr=1");
        query.Append(CultureInfo.InvariantCulture, $"&follow={(follow ? 1 : 0)}&timestamps={(timestamps ? 1 : 0)}&tail={Uri.EscapeDataString(tail)}");
        if (!string.IsNullOrEmpty(since))
        {
            query.Append("&since=").Append(Uri.EscapeDataString(since));
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, Prefix + query);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (tty)
        {
            await body.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            return;
        }
        await LogFrames.CopyAsync(body, stdout, stderr, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a hijacked connection (attach, exec start): the request goes out with `Upgrade: tcp` on a connection of
    /// its own, and what follows the answer's head is the raw stream both ways.
    /// </summary>
    public Task<HijackedConnection> HijackAsync(string path, string? jsonBody, CancellationToken cancellationToken = default) =>
        HijackedConnection.OpenAsync(SocketPath, Host, Prefix + path, jsonBody, cancellationToken);

    private static string FiltersQuery(IReadOnlyDictionary<string, List<string>> filters) =>
        filters.Count == 0 ? "" : "&filters=" + Uri.EscapeDataString(JsonSerializer.Serialize(filters.ToDictionary(), ClientJson.Default.DictionaryStringListString));

    private async Task<JsonElement> GetDocumentAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return await ReadDocumentAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonElement> ReadDocumentAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent || body.Length == 0)
        {
            return default;
        }
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    // A stream of JSON messages (one a line, or simply concatenated); {"error": ...} ends it as an EngineApiException.
    private static async Task ReadMessagesAsync(HttpResponseMessage response, Action<JsonElement> message, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(line);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                throw new EngineApiException(error.GetString() ?? line);
            }
            message(element);
        }
    }
}
