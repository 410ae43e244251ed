namespace CorralOS.Linux;

/// <summary>An os-release(5) file: KEY=VALUE lines, a value optionally in double or single quotes.</summary>
public static class OsReleaseFile
{
    /// <returns>Its keys and unquoted values; null when the file is absent or unreadable.</returns>
    public static IReadOnlyDictionary<string, string>? Read(string path)
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
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=');
            if (eq <= 0 || line.StartsWith('#'))
            {
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            values.TryAdd(line[..eq], value);
        }
        return values;
    }
}
