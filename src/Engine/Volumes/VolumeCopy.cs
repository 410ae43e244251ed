namespace CorralOS.Engine.Volumes;

/// <summary>
/// Docker's copy-up: a new, empty volume mounted over a path the image has gets that path's contents (files,
/// directories, symlinks, modes and owners) before the container starts.
/// </summary>
public static class VolumeCopy
{
    /// <summary>Copies ROOTFS/TARGET into an empty volume. Nothing when the path is missing, not a directory, or
    /// reached through a symlink (which could point outside the container's root).</summary>
    public static void CopyUp(string rootfs, string target, string volume)
    {
        var source = rootfs;
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part is "." or "..")
            {
                return;
            }
            source = Path.Combine(source, part);
            var info = new DirectoryInfo(source);
            if (!info.Exists || info.LinkTarget is not null)
            {
                return;
            }
        }
        if (Directory.EnumerateFileSystemEntries(volume).Any())
        {
            return;
        }
        CopyAttributes(source, volume);
        CopyTree(source, volume);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var dest = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(dest, link);
            }
            else if (entry is DirectoryInfo)
            {
                Directory.CreateDirectory(dest);
                CopyTree(entry.FullName, dest);
            }
            else if (Linux.SpecialFiles.IsRegularFile(entry.FullName))
            {
                File.Copy(entry.FullName, dest);
            }
            else
            {
                continue; // devices, FIFOs and sockets are not copied
            }
            CopyAttributes(entry.FullName, dest);
        }
    }

    private static void CopyAttributes(string from, string to)
    {
        var (uid, gid) = Linux.SpecialFiles.Owner(from);
        Linux.SpecialFiles.SetOwner(to, uid, gid);
        if (new FileInfo(from).LinkTarget is null)
        {
            File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        }
    }
}
