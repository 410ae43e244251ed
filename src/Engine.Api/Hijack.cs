using System.Buffers.Binary;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CorralOS.Engine.Api;

/// <summary>
/// The connection of an attach or exec start once it carries raw streams: upgraded (101, `Upgrade: tcp`) when the
/// client asks, as the docker CLI and Docker.DotNet do, else the response body (output only) with the request body as
/// input. Output is written whole per chunk (one writer at a time), as stdcopy frames unless there is a TTY; a client
/// that has gone makes later output vanish rather than fail the process.
/// </summary>
public sealed class Hijack : IAsyncDisposable
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Stream _output;
    private readonly bool _tty;
    private bool _gone;

    private Hijack(Stream input, Stream output, bool tty)
    {
        Input = input;
        _output = output;
        _tty = tty;
    }

    public Stream Input { get; }

    public static async Task<Hijack> OpenAsync(HttpContext context, bool tty)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        context.Response.ContentType = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
        if (upgrade is { IsUpgradableRequest: true })
        {
            context.Response.Headers.Upgrade = "tcp";
            context.Response.Headers.Connection = "Upgrade";
            var stream = await upgrade.UpgradeAsync();
            return new Hijack(stream, stream, tty);
        }
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        return new Hijack(context.Request.Body, context.Response.Body, tty);
    }

    /// <summary>The request body a client sent with its upgrade request (see <see cref="UpgradeWithBody"/>); empty when none.</summary>
    public static async Task<byte[]> ReadMovedBodyAsync(HttpContext context, Hijack hijack)
    {
        if (!long.TryParse(context.Request.Headers[UpgradeWithBody.BodyLengthHeader], System.Globalization.CultureInfo.InvariantCulture, out var length) || length <= 0 || length > 1 << 20)
        {
            return [];
        }
        var body = new byte[length];
        await hijack.Input.ReadExactlyAsync(body);
        return body;
    }

    /// <summary>Writes one chunk of a stream (1 stdout, 2 stderr) and flushes it.</summary>
    public async Task WriteAsync(int stream, ReadOnlyMemory<byte> data)
    {
        await _writing.WaitAsync();
        try
        {
            if (_gone)
            {
                return;
            }
            if (!_tty)
            {
                var header = new byte[8];
                header[0] = (byte)stream;
                BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)data.Length);
                await _output.WriteAsync(header);
            }
            await _output.WriteAsync(data);
            await _output.FlushAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _gone = true;
        }
        finally
        {
            _writing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A write still under way (a detached client's process keeps writing) finishes first; later ones are dropped.
        var held = await _writing.WaitAsync(TimeSpan.FromSeconds(5));
        _gone = true;
        try
        {
            await _output.DisposeAsync();
        }
        catch (IOException)
        {
            // Already gone.
        }
        finally
        {
            if (held)
            {
                _writing.Release();
            }
        }
    }
}
