namespace CorralOS.Config;

/// <summary>VERSION from an os-release(5) file: KEY=VALUE lines, the value optionally in double or single quotes.</summary>
public static class OsReleaseVersion
{
    /// <returns>The version, or null when the file is absent, unreadable or has no non-empty VERSION.</returns>
    public static string? Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var line in lines)
        {
            if (!line.StartsWith("VERSION=", StringComparison.Ordinal))
            {
                continue;
            }
            var value = line["VERSION=".Length..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            return value.Length > 0 ? value : null;
        }
        return null;
    }
}
