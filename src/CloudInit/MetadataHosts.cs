using System.Net;
using System.Net.Sockets;

namespace CorralOS.CloudInit;

/// <summary>
/// Metadata host names with a fixed, documented address, connected to without DNS: at boot no resolver is
/// configured yet (the network service writes resolv.conf later). Google documents metadata.google.internal as
/// 169.254.169.254, and its guest images carry the same line in /etc/hosts. Every other host is resolved as usual.
/// </summary>
internal static class MetadataHosts
{
    private static readonly Dictionary<string, IPAddress> s_fixed = new(StringComparer.OrdinalIgnoreCase)
    {
        ["metadata.google.internal"] = IPAddress.Parse("169.254.169.254"),
    };

    /// <summary>The fixed address of <paramref name="host"/>, or null when it is resolved by DNS.</summary>
    public static IPAddress? Fixed(string host) => s_fixed.GetValueOrDefault(host);

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that uses the fixed addresses.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        EndPoint target = Fixed(host) is { } address ? new IPEndPoint(address, context.DnsEndPoint.Port) : context.DnsEndPoint;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The handler every cloud-init HTTP client uses: metadata addresses are link-local or internal, never through a proxy from the environment.</summary>
    public static SocketsHttpHandler Handler() => new() { UseProxy = false, ConnectCallback = ConnectAsync };
}
