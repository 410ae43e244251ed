namespace CorralOS.Console;

/// <summary>The modes console-init gives what it creates.</summary>
internal static class FileModes
{
    public const UnixFileMode Regular = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode Directory = Regular | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    public static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>Replaced whole (a reader never sees half a file), mode set exactly; not synced: console-init writes them again at every start.</summary>
    public static void WriteAtomically(string path, byte[] content, UnixFileMode mode) =>
        CorralOS.Linux.AtomicFile.Write(path, content, mode, durable: false);

    public static void WriteAtomically(string path, string text, UnixFileMode mode = Regular) =>
        CorralOS.Linux.AtomicFile.Write(path, text, mode, durable: false);
}
