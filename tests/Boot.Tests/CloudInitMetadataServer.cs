using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CorralOS.Boot.Tests;

/// <summary>One request as the metadata service saw it (headers by lower-case name).</summary>
public sealed record MetadataRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>A status and a body.</summary>
public sealed record MetadataAnswer(int Status, byte[] Body)
{
    public static MetadataAnswer Ok(string body) => new(200, Encoding.UTF8.GetBytes(body));

    public static MetadataAnswer Ok(byte[] body) => new(200, body);

    public static MetadataAnswer Code(int status) => new(status, Encoding.UTF8.GetBytes($"status {status}\n"));
}

/// <summary>
/// A cloud's metadata service for a booted guest: an HTTP/1.1 server on 127.0.0.1 only (a TcpListener; the guest
/// reaches it through a guestfwd at 169.254.169.254:80, whatever Host it names), answering each request with the
/// handler's answer and recording it. One request per connection, as the guest's client is told (Connection: close).
/// </summary>
public sealed class CloudInitMetadataServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<MetadataRequest, MetadataAnswer> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CloudInitMetadataServer(Func<MetadataRequest, MetadataAnswer> handler)
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Answers GETs of the listed paths (query included), 404 for the rest.</summary>
    public static CloudInitMetadataServer FromPaths(IReadOnlyDictionary<string, MetadataAnswer> paths) =>
        new(request => request.Method == "GET" && paths.TryGetValue(request.Path, out var answer) ? answer : MetadataAnswer.Code(404));

    public int Port { get; }

    public ConcurrentQueue<MetadataRequest> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }
                var lines = head.Split("\r\n");
                var start = lines[0].Split(' ');
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                    .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);
                var request = new MetadataRequest(start[0], start.Length > 1 ? start[1] : "/", headers);
                Requests.Enqueue(request);
                var answer = _handler(request);
                var reason = answer.Status switch { 200 => "OK", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found", _ => "Status" };
                var response = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {answer.Status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {answer.Body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(response, _stop.Token);
                await stream.WriteAsync(answer.Body, _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The guest went away (or the test ended); it retries on its own.
            }
        }
    }

    // The request line and headers; a body (the token PUT has none that matters) is not read.
    private async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[8192];
        var head = new StringBuilder();
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                return null;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        var text = head.ToString();
        return text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
