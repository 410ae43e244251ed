using CorralOS.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>
/// `make bench-engine`'s client for `run --rm IMAGE true`: the API requests the docker CLI makes for it, from one
/// process that stays up, so no client start is charged to the engine. Per run: create (AutoRemove), attach (hijacked,
/// stdout and stderr), wait condition=removed (headers read before start, as the CLI does), start, then the wait's
/// answer and the end of the attach stream. Each request on its own connection.
/// With a crun baseline, each run through the API is followed by one `crun run` of the equivalent bundle, started from
/// this process as the engine starts it: the two alternate, so a change in the host's load weighs on both alike.
/// Prints each run's wall time in microseconds (the API's, then crun's when there is a baseline), one run a line, after
/// <c>warmup</c> unprinted runs.
/// </summary>
internal static partial class EngineRun
{
    /// <summary>`crun --root ROOT run --bundle BUNDLE`, the figure the API's is set against.</summary>
    public sealed record CrunBaseline(string Bundle, string Root);

    public static async Task<int> RunAsync(string socket, string image, int runs, int warmup, CrunBaseline? baseline)
    {
        var create = Encoding.UTF8.GetBytes(
            "{\"Image\":\"" + image + "\",\"Cmd\":[\"true\"],\"AttachStdout\":true,\"AttachStderr\":true,\"HostConfig\":{\"AutoRemove\":true}}");
        for (var i = 0; i < warmup + runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var exit = await OneAsync(socket, create);
            var api = clock.Elapsed;
            if (exit != 0)
            {
                Console.Error.WriteLine($"bench: run --rm exited {exit}");
                return 1;
            }
            var line = Microseconds(api);
            if (baseline is not null)
            {
                clock.Restart();
                var (crunExit, crunOutput) = await Tools.RunAsync("crun", ["--root", baseline.Root, "run", "--bundle", baseline.Bundle, $"bench-{i}"]);
                var crun = clock.Elapsed;
                if (crunExit != 0)
                {
                    Console.Error.WriteLine($"bench: crun run exited {crunExit}: {crunOutput.Trim()}");
                    return 1;
                }
                line += " " + Microseconds(crun);
            }
            if (i >= warmup)
            {
                Console.WriteLine(line);
            }
        }
        return 0;
    }

    private static string Microseconds(TimeSpan span) => (span.Ticks / 10).ToString(CultureInfo.InvariantCulture);

    private static async Task<int> OneAsync(string socket, byte[] createBody)
    {
        var created = await RequestAsync(socket, "POST", "/v1.41/containers/create", createBody);
        var id = IdField().Match(created).Groups[1].Value;
        if (id.Length == 0)
        {
            throw new InvalidOperationException($"create: {created}");
        }
        using var attach = await OpenAsync(socket, $"POST /v1.41/containers/{id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n");
        await ReadHeadersAsync(attach);
        using var wait = await OpenAsync(socket, $"POST /v1.41/containers/{id}/wait?condition=removed HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        await ReadHeadersAsync(wait);
        await RequestAsync(socket, "POST", $"/v1.41/containers/{id}/start", []);
        var waited = await ReadToEndAsync(wait);
        await ReadToEndAsync(attach);
        var code = ExitField().Match(waited);
        return code.Success ? int.Parse(code.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"wait: {waited}");
    }

    private static async Task<string> RequestAsync(string socket, string method, string path, byte[] body)
    {
        using var connection = await OpenAsync(socket,
            $"{method} {path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n", body);
        var answer = await ReadToEndAsync(connection);
        if (!answer.StartsWith("HTTP/1.1 2", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{method} {path}: {answer}");
        }
        return answer;
    }

    private static async Task<Socket> OpenAsync(string socket, string head, byte[]? body = null)
    {
        var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await connection.SendAsync(Encoding.ASCII.GetBytes(head));
        if (body is { Length: > 0 })
        {
            await connection.SendAsync(body);
        }
        return connection;
    }

    // Up to the blank line, in whole reads as an HTTP client does (byte by byte costs a system call each, which would be
    // charged to the engine). Nothing else arrives before the headers are read: the attach stream and the wait's answer
    // only come after the start, which is sent later.
    private static async Task ReadHeadersAsync(Socket connection)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await connection.ReceiveAsync(buffer);
            if (read == 0)
            {
                throw new InvalidOperationException($"connection closed in the headers: {seen}");
            }
            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        if (!seen.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"more than the headers before the start: {seen}");
        }
    }

    private static async Task<string> ReadToEndAsync(Socket connection)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await connection.ReceiveAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
        }
        return Encoding.UTF8.GetString(all.ToArray());
    }

    [GeneratedRegex("\"Id\":\"([0-9a-f]{64})\"")]
    private static partial Regex IdField();

    [GeneratedRegex("\"StatusCode\":(-?[0-9]+)")]
    private static partial Regex ExitField();
}
