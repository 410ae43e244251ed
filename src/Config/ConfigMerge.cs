namespace CorralOS.Config;

/// <summary>RancherOS's merge rule: maps merge key by key, recursively; a list or scalar in the later layer replaces.</summary>
public static class ConfigMerge
{
    /// <summary>A new tree: <paramref name="over"/> merged over <paramref name="under"/>; neither is changed.</summary>
    public static Dictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> under, IReadOnlyDictionary<string, object?> over)
    {
        var result = Copy(under);
        foreach (var (key, value) in over)
        {
            result[key] = result.TryGetValue(key, out var existing)
                && existing is IReadOnlyDictionary<string, object?> lower
                && value is IReadOnlyDictionary<string, object?> upper
                ? Merge(lower, upper)
                : CopyValue(value);
        }
        return result;
    }

    public static Dictionary<string, object?> Copy(IReadOnlyDictionary<string, object?> tree)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in tree)
        {
            copy[key] = CopyValue(value);
        }
        return copy;
    }

    public static object? CopyValue(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => Copy(map),
        IReadOnlyList<object?> list => list.Select(CopyValue).ToList(),
        _ => value,
    };
}
