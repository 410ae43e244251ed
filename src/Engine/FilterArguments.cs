using System.Text.Json;

namespace CorralOS.Engine;

/// <summary>
/// Docker's `filters` query parameter, shared by the list endpoints: a JSON object of key → values, in either shape
/// clients send ({"k":{"v":true}} or the older {"k":["v"]}); keys outside <c>known</c> are a 400.
/// </summary>
public static class FilterArguments
{
    public static Dictionary<string, List<string>> Parse(string? json, IReadOnlyCollection<string> known)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return values;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidArgumentException("invalid filters: not a JSON object");
            }
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    throw new InvalidArgumentException($"invalid filter '{property.Name}'");
                }
                var list = values.TryGetValue(property.Name, out var l) ? l : values[property.Name] = [];
                list.AddRange(property.Value.ValueKind switch
                {
                    JsonValueKind.Object => property.Value.EnumerateObject().Where(v => v.Value.ValueKind == JsonValueKind.True).Select(v => v.Name),
                    JsonValueKind.Array => property.Value.EnumerateArray().Select(v => v.GetString() ?? ""),
                    _ => throw new InvalidArgumentException($"invalid filters: value of '{property.Name}' must be an object or array"),
                });
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidArgumentException($"invalid filters: {e.Message}", e);
        }
        return values;
    }

    /// <summary>A `label` filter: `key` (present) or `key=value` (equal).</summary>
    public static bool HasLabel(IReadOnlyDictionary<string, string> labels, string filter)
    {
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? labels.ContainsKey(filter) : labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    }
}
