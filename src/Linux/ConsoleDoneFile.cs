namespace CorralOS.Linux;

/// <summary>
/// The file by which the console says its start is done (cloud-config applied, write_files written, the start scripts
/// run): console-init writes it before /etc/rc.local, as RancherOS did. preload-user-images waits for it
/// (`preload-images --after`), since write_files may put the archives to preload. /run is shared through the
/// system-volumes container.
/// </summary>
public static class ConsoleDoneFile
{
    /// <summary>Under /run.</summary>
    public const string Name = "console-done";

    public const string DefaultPath = "/run/" + Name;
}
