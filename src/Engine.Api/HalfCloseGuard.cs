using Microsoft.AspNetCore.Connections;

namespace CorralOS.Engine.Api;

/// <summary>
/// Lets a hijacked (attach) connection outlive the client's half-close. The docker CLI shuts down its write side as
/// soon as it has sent the attach request when it has no stdin to send, often before the endpoint runs, and Kestrel
/// takes the transport's "closed" signal (raised on that FIN) as the connection's end and drops all further output.
/// So the signal is not passed on: a client that is really gone is noticed when a write fails, and an idle
/// connection ends when Kestrel reads the end of its input. The cost: a request that only waits (POST wait, logs
/// with follow) is not cancelled by its client leaving, only by its own end (the container exits or stops).
/// </summary>
public static class HalfCloseGuard
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => connection =>
    {
        connection.ConnectionClosed = CancellationToken.None;
        return next(connection);
    };
}
