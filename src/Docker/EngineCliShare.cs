namespace CorralOS.Docker;

/// <summary>
/// Shares the docker CLI of the docker system image with the console, as RancherOS copied its engine's binaries to
/// /var/lib/rancher/engine: the console's /usr/bin/docker links there, so the image carries the CLI once and only
/// systems that run User Docker hold it. The copy is replaced only when it differs (size or mtime), atomically.
/// </summary>
public static class EngineCliShare
{
    public const string DefaultDirectory = "/var/lib/rancher/engine";

    /// <summary>Copies <paramref name="cli"/> into <paramref name="directory"/> (mode 0755); returns the copy's path.</summary>
    public static string Share(string cli, string directory)
    {
        var source = new FileInfo(cli);
        if (!source.Exists)
        {
            throw new FileNotFoundException($"{cli}: no docker CLI in this image", cli);
        }
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, source.Name);
        var current = new FileInfo(target);
        if (current.Exists && current.Length == source.Length && current.LastWriteTimeUtc == source.LastWriteTimeUtc)
        {
            return target;
        }
        var temporary = target + ".new";
        File.Copy(cli, temporary, overwrite: true);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetLastWriteTimeUtc(temporary, source.LastWriteTimeUtc);
        File.Move(temporary, target, overwrite: true);
        return target;
    }
}
