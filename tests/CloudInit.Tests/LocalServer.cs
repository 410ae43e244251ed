using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CorralOS.Testing;

// The tests check Linux file modes and mount real drives.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace CorralOS.CloudInit.Tests;

/// <summary>One request as the fake metadata service saw it.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers);

/// <summary>What the fake service answers: a status and a body, optionally after a delay (to test timeouts).</summary>
public sealed record Answer(int Status, byte[] Body, TimeSpan Delay = default)
{
    public static Answer Ok(string body) => new(200, Encoding.UTF8.GetBytes(body));

    public static Answer Ok(byte[] body) => new(200, body);

    public static Answer Code(int status) => new(status, Encoding.UTF8.GetBytes($"status {status}\n"));
}

/// <summary>
/// A metadata service on 127.0.0.1 (an HttpListener on a free port): every request goes to the handler and is
/// recorded. The only address the tests ever talk to.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<SeenRequest, Answer> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalServer(Func<SeenRequest, Answer> handler)
    {
        _handler = handler;
        var port = FreePorts.Next();
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>A server answering from a map of "METHOD /path?query" (or "/path" for GET) to answers; anything else is 404.</summary>
    public static LocalServer FromRoutes(IReadOnlyDictionary<string, Answer> routes) =>
        new(request => routes.GetValueOrDefault($"{request.Method} {request.PathAndQuery}")
            ?? (request.Method == "GET" ? routes.GetValueOrDefault(request.PathAndQuery) : null)
            ?? Answer.Code(404));

    public Uri BaseUri { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public MetadataEndpoints Endpoints => MetadataEndpoints.At(BaseUri);

    /// <summary>The status a plain GET (no metadata headers or token) gets: what the fixture service refuses.</summary>
    public async Task<HttpStatusCode> PlainGetStatusAsync(string path)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(BaseUri, path), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var headers = request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        var seen = new SeenRequest(request.HttpMethod, request.Url!.PathAndQuery, headers);
        Requests.Enqueue(seen);
        try
        {
            var answer = _handler(seen);
            if (answer.Delay > TimeSpan.Zero)
            {
                await Task.Delay(answer.Delay, _stop.Token).ConfigureAwait(false);
            }
            context.Response.StatusCode = answer.Status;
            context.Response.ContentLength64 = answer.Body.Length;
            await context.Response.OutputStream.WriteAsync(answer.Body, _stop.Token).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            context.Response.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Close alone: Stop then Close makes the managed listener re-bind while removing its prefix.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
