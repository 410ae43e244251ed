namespace CorralOS.Config;

/// <summary>Dotted-path access into a tree of string-keyed maps (as parsed from YAML or the cmdline).</summary>
public static class ConfigTree
{
    public static object? Get(IReadOnlyDictionary<string, object?> root, string dottedKey)
    {
        object? current = root;
        foreach (var part in dottedKey.Split('.'))
        {
            if (current is not IReadOnlyDictionary<string, object?> map || !map.TryGetValue(part, out current))
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>Sets a dotted key, creating maps on the way (a scalar in the way is replaced by a map).</summary>
    public static void Set(Dictionary<string, object?> root, string dottedKey, object? value)
    {
        var parts = Split(dottedKey);
        var current = root;
        foreach (var part in parts[..^1])
        {
            if (current.GetValueOrDefault(part) is not Dictionary<string, object?> child)
            {
                child = new Dictionary<string, object?>(StringComparer.Ordinal);
                current[part] = child;
            }
            current = child;
        }
        current[parts[^1]] = value;
    }

    /// <summary>Removes a dotted key if present; returns whether it was.</summary>
    public static bool Remove(Dictionary<string, object?> root, string dottedKey)
    {
        var parts = Split(dottedKey);
        var current = root;
        foreach (var part in parts[..^1])
        {
            if (current.GetValueOrDefault(part) is not Dictionary<string, object?> child)
            {
                return false;
            }
            current = child;
        }
        return current.Remove(parts[^1]);
    }

    private static string[] Split(string dottedKey)
    {
        var parts = dottedKey.Split('.');
        if (parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"'{dottedKey}' is not a key (empty part)");
        }
        return parts;
    }

    public static string? GetString(IReadOnlyDictionary<string, object?> root, string dottedKey) =>
        Get(root, dottedKey) switch
        {
            null => null,
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var other => other.ToString(),
        };

    public static bool GetBool(IReadOnlyDictionary<string, object?> root, string dottedKey) =>
        Get(root, dottedKey) is true;

    /// <summary>A scalar or a list as a list of strings (a single value becomes one item).</summary>
    public static IReadOnlyList<string> GetStrings(IReadOnlyDictionary<string, object?> root, string dottedKey) =>
        Get(root, dottedKey) switch
        {
            null => [],
            // A string is IEnumerable<char>, never IEnumerable<object?>, so it falls to the single-value arm.
            IEnumerable<object?> items => items.Where(i => i is not null).Select(i => System.Convert.ToString(i, System.Globalization.CultureInfo.InvariantCulture)!).ToList(),
            _ => [GetString(root, dottedKey)!],
        };
}
