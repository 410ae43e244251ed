using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace CorralOS.Engine.Api;

/// <summary>
/// Lets an upgrade request carry a body. The docker CLI sends POST /exec/{id}/start with a JSON body and
/// `Upgrade: tcp` and needs a 101; Kestrel treats a request with a body as not upgradable. So the first request of a
/// connection, when it asks for an upgrade and has a Content-Length, is rewritten before Kestrel sees it: the length
/// moves to <see cref="BodyLengthHeader"/> and the body becomes the first bytes of the upgraded stream, where
/// <see cref="Hijack"/> reads it back. (Both clients below dial a new connection for every hijacked request.)
/// Docker.DotNet asks for no upgrade at all: it sends `Connection: close`, expects a `200` whose body is the raw
/// stream and writes the process's input after its request body, as Docker hijacks every attach and exec start. Such
/// a request (attach or exec start with `Connection: close`) is made an upgrade here too, and the 101 head Kestrel
/// answers it with goes out as Docker's `200 OK` (no Connection/Upgrade lines); the rest of the connection is as is.
/// </summary>
public static partial class UpgradeWithBody
{
    public const string BodyLengthHeader = "X-CorralOS-Upgrade-Body-Length";


    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var original = connection.Transport;
        // Every connection reads through a pipe of its own, so the head can be taken off the socket and put back changed.
        var head = await ReadHeadAsync(original.Input);
        var pipe = new Pipe();
        var text = Encoding.Latin1.GetString(head);
        var complete = text.EndsWith("\n\n", StringComparison.Ordinal) || text.EndsWith("\n\r\n", StringComparison.Ordinal);
        var raw = complete && IsRawHijack(text);
        await pipe.Writer.WriteAsync(complete ? Rewrite(text, raw) ?? head : head);
        // Not awaited: it ends when the client's side of the connection does.
        _ = PumpAsync(original.Input, pipe.Writer);
        var output = raw ? new Pipe() : null;
        var answering = output is null ? Task.CompletedTask : AnswerAs200Async(output.Reader, original.Output);
        connection.Transport = new DuplexPipe(pipe.Reader, output?.Writer ?? original.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            if (output is not null)
            {
                await output.Writer.CompleteAsync();
                await answering;
            }
            connection.Transport = original;
            await pipe.Reader.CompleteAsync();
        }
    };

    // Docker.DotNet's attach or exec start: no Upgrade, `Connection: close`.
    private static bool IsRawHijack(string head)
    {
        var lines = head.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        return HijackRoute().IsMatch(lines[0])
            && !lines.Skip(1).Any(l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase))
            && lines.Skip(1).Any(l => l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) && l["Connection:".Length..].Trim().Equals("close", StringComparison.OrdinalIgnoreCase));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^POST /(v[0-9.]+/)?(exec/[^/?]+/start|containers/[^/?]+/attach)([?][^ ]*)? HTTP/1\.1$")]
    private static partial System.Text.RegularExpressions.Regex HijackRoute();

    // Copies the response to the client; its first head, when it is a 101, becomes Docker's `200 OK` for a raw stream.
    private static async Task AnswerAs200Async(PipeReader response, PipeWriter client)
    {
        try
        {
            var head = await ReadHeadAsync(response);
            var text = Encoding.Latin1.GetString(head);
            if (text.StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal))
            {
                var lines = text.TrimEnd('\r', '\n').Split("\r\n").Skip(1)
                    .Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
                head = Encoding.Latin1.GetBytes(string.Join("\r\n", lines.Prepend("HTTP/1.1 200 OK")) + "\r\n\r\n");
            }
            await client.WriteAsync(head);
            await client.FlushAsync();
            await PumpAsync(response, client, completeOutput: false);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or InvalidOperationException)
        {
            // The connection went away.
        }
        await response.CompleteAsync();
    }

    // The first request's head through its blank line (or what came before the input ended), consumed from the input.
    private static async Task<byte[]> ReadHeadAsync(PipeReader input)
    {
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            if (HeadLength(buffer) is { } length)
            {
                var head = buffer.Slice(0, length).ToArray();
                input.AdvanceTo(buffer.GetPosition(length));
                return head;
            }
            if (result.IsCompleted || result.IsCanceled || buffer.Length > 65536)
            {
                var all = buffer.ToArray();
                input.AdvanceTo(buffer.End);
                return all;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // Where the head ends: a blank line, whose line ends may be CR LF or a bare LF (Docker.DotNet sends LF).
    private static long? HeadLength(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (reader.IsNext((byte)'\n', advancePast: true) || reader.IsNext("\r\n"u8, advancePast: true))
            {
                return reader.Consumed;
            }
        }
        return null;
    }

    private static byte[]? Rewrite(string head, bool raw)
    {
        var lines = head.TrimEnd('\r', '\n').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (raw)
        {
            lines = [.. lines.Where(l => !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)), "Connection: Upgrade", "Upgrade: tcp"];
        }
        var upgrade = lines.Skip(1).Any(l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
        var lengthLine = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (!upgrade || lengthLine is null || !long.TryParse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture, out var length) || length <= 0)
        {
            return raw ? Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n") : null;
        }
        var kept = lines.Where(l => !ReferenceEquals(l, lengthLine) && !l.StartsWith(BodyLengthHeader + ":", StringComparison.OrdinalIgnoreCase));
        return Encoding.Latin1.GetBytes(string.Join("\r\n", kept) + $"\r\n{BodyLengthHeader}: {length}\r\n\r\n");
    }

    private static async Task PumpAsync(PipeReader input, PipeWriter output, bool completeOutput = true)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await output.WriteAsync(segment);
                }
                input.AdvanceTo(buffer.End);
                var flushed = await output.FlushAsync();
                if (result.IsCompleted || result.IsCanceled || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or InvalidOperationException)
        {
            // The connection went away.
        }
        if (completeOutput)
        {
            await output.CompleteAsync();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
