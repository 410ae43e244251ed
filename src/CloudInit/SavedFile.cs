using CorralOS.Linux;

namespace CorralOS.CloudInit;

/// <summary>The modes of what cloud-init-save keeps (private to root), and the removal of what a datasource no longer gives.</summary>
internal static class SavedFile
{
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode PrivateExecutable = Private | UnixFileMode.UserExecute;

    /// <summary>Removes a file this boot's datasource no longer provides; true when there was one.</summary>
    public static bool Remove(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        Durability.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return true;
    }
}
