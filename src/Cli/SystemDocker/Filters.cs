namespace CorralOS.Cli.SystemDocker;

/// <summary>Repeated `--filter key=value` options as Docker's filters map.</summary>
internal static class Filters
{
    public static Dictionary<string, List<string>> Parse(IEnumerable<string>? filters)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var filter in filters ?? [])
        {
            var equals = filter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"bad format of filter (expected name=value): {filter}");
            }
            var key = filter[..equals].Trim().ToLowerInvariant();
            if (!map.TryGetValue(key, out var values))
            {
                map[key] = values = [];
            }
            values.Add(filter[(equals + 1)..]);
        }
        return map;
    }
}
