using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CorralOS.Engine.Client;

/// <summary>
/// A hijacked attach or exec-start connection, as the docker CLI opens one: a POST with `Connection: Upgrade` and
/// `Upgrade: tcp`; after the engine's 101 (or 200) head the socket carries the process's streams. Writing sends
/// input; <see cref="CloseInput"/> half-closes so the process sees end of file while its output still comes.
/// </summary>
public sealed class HijackedConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private HijackedConnection(Socket socket, Stream stream)
    {
        _socket = socket;
        Stream = stream;
    }

    /// <summary>The raw stream: reads are the process's output (framed unless it has a TTY), writes its input.</summary>
    public Stream Stream { get; }

    internal static async Task<HijackedConnection> OpenAsync(string socketPath, string host, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new EngineApiException($"cannot reach the engine at {host}: {e.Message}", null, e);
            }
            var stream = new NetworkStream(socket, ownsSocket: false);
            var body = Encoding.UTF8.GetBytes(jsonBody ?? "");
            var head = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: system-docker\r\n")
                .Append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
            if (body.Length > 0)
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n");
            }
            head.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            var (status, headers) = await ReadHeadAsync(stream, cancellationToken).ConfigureAwait(false);
            if (status >= 400)
            {
                throw new EngineApiException(await ReadErrorAsync(stream, status, headers, cancellationToken).ConfigureAwait(false), (HttpStatusCode)status);
            }
            return new HijackedConnection(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Tells the process its input ended (shutdown of the socket's sending side).</summary>
    public void CloseInput()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // already closed by the engine: nothing left to tell it
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    // The status line and headers, read a byte at a time so nothing of the raw stream after them is consumed.
    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new EngineApiException("the engine closed the connection before answering");
            }
            bytes.Add(one[0]);
            if (bytes.Count > 64 * 1024)
            {
                throw new EngineApiException("the engine's answer head is too long");
            }
        }
        var lines = Encoding.Latin1.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ', 3);
        if (parts.Length < 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var status))
        {
            throw new EngineApiException($"the engine answered with a malformed status line: {lines[0]}");
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        return (status, headers);
    }

    private static async Task<string> ReadErrorAsync(Stream stream, int status, Dictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var text = "";
        if (headers.TryGetValue("Content-Length", out var lengthText) && int.TryParse(lengthText, CultureInfo.InvariantCulture, out var length) && length is > 0 and < 1 << 20)
        {
            var buffer = new byte[length];
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(buffer);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            // the first chunk holds the whole {"message"} answer
            var sizeLine = new StringBuilder();
            var one = new byte[1];
            while (await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1 && one[0] != '\n')
            {
                sizeLine.Append((char)one[0]);
            }
            if (int.TryParse(sizeLine.ToString().Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) && size is > 0 and < 1 << 20)
            {
                var buffer = new byte[size];
                await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
                text = Encoding.UTF8.GetString(buffer);
            }
        }
        try
        {
            if (JsonSerializer.Deserialize(text, ClientJson.Default.ErrorResponse)?.Message is { } message)
            {
                return message.Trim().Split('\n')[0];
            }
        }
        catch (JsonException)
        {
            // not JSON: the text itself
        }
        return text.Length > 0 ? text.Trim().Split('\n')[0] : $"{status} from the engine";
    }
}
