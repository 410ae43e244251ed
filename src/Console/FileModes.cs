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

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a file; mode set exactly.</summary>
    public static void WriteAtomically(string path, byte[] content, UnixFileMode mode)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".console-init-tmp";
        try
        {
            File.WriteAllBytes(temporary, content);
            File.SetUnixFileMode(temporary, mode);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static void WriteAtomically(string path, string text, UnixFileMode mode = Regular) =>
        WriteAtomically(path, System.Text.Encoding.UTF8.GetBytes(text), mode);
}
