using CorralOS.Linux;

namespace CorralOS.Docker.Tls;

/// <summary>
/// Writes certificate files atomically (a reader sees the old file or the new one): keys 0600, certificates 0644,
/// and, when given, the owner a client's files need (rancher reads its own ~/.docker).
/// </summary>
public sealed class TlsFileWriter(string directory, (int Uid, int Gid)? owner = null)
{
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public string Directory { get; } = directory;

    public string Certificate(string name, string pem) => Write(name, pem, Public);

    public string Key(string name, string pem) => Write(name, pem, Secret);

    private string Write(string name, string text, UnixFileMode mode)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (owner is { } created)
            {
                SpecialFiles.SetOwner(Directory, created.Uid, created.Gid);
            }
        }
        var path = Path.Combine(Directory, name);
        AtomicFile.Write(path, text, mode);
        if (owner is { } set)
        {
            SpecialFiles.SetOwner(path, set.Uid, set.Gid);
            File.SetUnixFileMode(path, mode);
        }
        return path;
    }
}
