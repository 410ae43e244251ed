using System.Collections.Concurrent;
using System.Net.Sockets;
using CorralOS.Linux;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace CorralOS.Engine.Api;

/// <summary>
/// Tells Kestrel a connection has ended only when its client has closed it for good, not when the client merely
/// shut down its writing. The docker CLI shuts down its write side as soon as it has sent an attach request when it
/// has no stdin to send, often before the endpoint runs; Kestrel would take the transport's signal for that FIN as the
/// connection's end and drop all further output. A client that has closed (a `docker run -d` that left its wait
/// request behind, a `logs -f` stopped with ctrl-c) is found by a poll for hang-up every second, and its requests are
/// aborted, so they neither pile up nor hold the engine's shutdown for its grace period.
/// </summary>
public sealed class HalfCloseGuard : IDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<ConnectionContext, Watched> _watched = new();
    private readonly Lock _timerGate = new();
    private readonly Timer _timer;

    public HalfCloseGuard() => _timer = new Timer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            connection.ConnectionClosed = CancellationToken.None;
            await next(connection);
            return;
        }
        using var closed = new CancellationTokenSource();
        connection.ConnectionClosed = closed.Token;
        lock (_timerGate)
        {
            _watched[connection] = new Watched(socket, closed);
            _timer.Change(s_interval, s_interval);
        }
        try
        {
            await next(connection);
        }
        finally
        {
            _watched.TryRemove(connection, out _);
        }
    };

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        foreach (var (connection, watched) in _watched)
        {
            if (SocketHangup.PeerClosed(watched.Socket) && _watched.TryRemove(connection, out _))
            {
                try
                {
                    watched.Closed.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The connection ended meanwhile.
                }
            }
        }
        lock (_timerGate)
        {
            if (_watched.IsEmpty)
            {
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private sealed record Watched(Socket Socket, CancellationTokenSource Closed);
}
