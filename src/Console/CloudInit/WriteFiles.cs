using System.Globalization;
using CorralOS.Config.Model;

namespace CorralOS.Console.CloudInit;

/// <summary>
/// write_files for the console: entries with no container or container: console. Each file is decoded, written
/// atomically with its permissions (octal, default 0644) and chowned to its owner (user or user:group, names from
/// the console's /etc/passwd and /etc/group). A bad entry is reported by its path and the others are still written.
/// </summary>
public static class WriteFiles
{
    public const string ConsoleContainer = "console";

    public static bool IsForConsole(WriteFile file) => string.IsNullOrEmpty(file.Container) || file.Container == ConsoleContainer;

    /// <summary>Writes the console's entries; returns one message per entry that failed.</summary>
    public static IReadOnlyList<string> Apply(ConsoleOptions options, UserDatabase users, IEnumerable<WriteFile> files)
    {
        var errors = new List<string>();
        foreach (var file in files.Where(IsForConsole))
        {
            try
            {
                Write(options, users, file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                errors.Add($"write_files {file.Path ?? "(no path)"}: {e.Message}");
            }
        }
        return errors;
    }

    private static void Write(ConsoleOptions options, UserDatabase users, WriteFile file)
    {
        if (string.IsNullOrEmpty(file.Path) || !file.Path.StartsWith('/'))
        {
            throw new ArgumentException("path must be absolute");
        }
        var mode = ParseMode(file.Permissions);
        var owner = string.IsNullOrEmpty(file.Owner) ? ((int, int)?)null : users.ResolveOwner(file.Owner);
        var content = WriteFileContent.Decode(file.Content, file.Encoding);
        var target = options.InRoot(file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        FileModes.WriteAtomically(target, content, mode);
        if (owner is var (uid, gid))
        {
            HomeDirectories.Own(target, uid, gid);
            File.SetUnixFileMode(target, mode); // chown clears set-id bits
        }
    }

    private static UnixFileMode ParseMode(string? permissions)
    {
        if (string.IsNullOrWhiteSpace(permissions))
        {
            return FileModes.Regular;
        }
        var text = permissions.Trim();
        try
        {
            var mode = Convert.ToInt32(text, 8);
            if (mode is < 0 or > 0xFFF)
            {
                throw new FormatException();
            }
            return (UnixFileMode)mode;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"permissions '{permissions}' is not an octal mode such as 0644"));
        }
    }
}
