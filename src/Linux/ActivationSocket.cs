using System.Net.Sockets;

namespace CorralOS.Linux;

/// <summary>
/// A listening unix socket made before its daemon starts and handed over by systemd's socket-activation protocol
/// (<see cref="ProcessImage.Replace"/>'s passed descriptors, LISTEN_PID and LISTEN_FDS), so its owner and mode are ours
/// to set: Podman's API service has no option for the group of its socket, as dockerd's --group is.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ActivationSocket : IDisposable
{
    private readonly Socket _socket;

    private ActivationSocket(Socket socket) => _socket = socket;

    /// <summary>Listens on <paramref name="path"/> (a stale socket file there is replaced), owned root:<paramref name="gid"/> with mode 0660.</summary>
    public static ActivationSocket Listen(string path, int gid)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            SpecialFiles.SetOwner(path, 0, gid);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            socket.Listen(128);
            return new ActivationSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The descriptor to pass on; valid while this object lives.</summary>
    public int Descriptor => (int)_socket.Handle;

    /// <summary>The variables that tell the program with this process's PID (exec keeps it) that descriptor 3 is the socket.</summary>
    public static IReadOnlyDictionary<string, string> Environment(string name) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["LISTEN_PID"] = System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["LISTEN_FDS"] = "1",
        ["LISTEN_FDNAMES"] = name,
    };

    public void Dispose() => _socket.Dispose();
}
