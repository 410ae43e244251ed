using System.Net;
using System.Net.Sockets;

namespace CorralOS.Testing;

/// <summary>Free TCP ports on 127.0.0.1, never handed out twice by one process.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> s_given = [];
    private static readonly Lock s_lock = new();

    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (s_lock)
            {
                if (s_given.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("no free TCP port on 127.0.0.1");
    }
}
