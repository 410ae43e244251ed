namespace CorralOS.Linux;

/// <summary>Where a command's program is, found as execvp(3) finds it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class ProgramPath
{
    /// <summary>
    /// <paramref name="command"/> itself when it holds a '/', else the first executable file of that name in PATH's
    /// directories (glibc's /bin:/usr/bin when PATH is unset; an empty entry is the current directory); null when
    /// there is none.
    /// </summary>
    public static string? Find(string command)
    {
        if (command.Contains('/'))
        {
            return File.Exists(command) ? command : null;
        }
        var directories = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } path ? path.Split(':') : ["/bin", "/usr/bin"];
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, command);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }
        return null;
    }
}
