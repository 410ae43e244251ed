using System.Net.Sockets;
using CorralOS.Linux;

namespace CorralOS.Engine.Api;

/// <summary>
/// The API socket file: a leftover from a crash is removed before binding (nobody answers on it), a live one
/// means another engine runs there; after binding the file gets mode 0660, owner root:root.
/// </summary>
public static class UnixSocket
{
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    public static void ClearStale(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return;
        }
        if (info.LinkTarget is not null || !SpecialFiles.IsSocket(path))
        {
            throw new IOException($"{path} exists and is not a socket; refusing to replace it");
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused)
        {
            File.Delete(path); // nobody listens: left by a crashed engine
            return;
        }
        throw new IOException($"another engine is already listening on {path}");
    }

    public static void Secure(string path)
    {
        if (SpecialFiles.IsRoot)
        {
            SpecialFiles.SetOwner(path, 0, 0);
        }
        File.SetUnixFileMode(path, SocketMode);
    }
}
