using System.Text.Json;

namespace CorralOS.Engine.Containers;

/// <summary>
/// GET /containers/json: `all` and the filters id (prefix), name (substring, as Docker), label (key or key=value, all
/// must match) and status (any of). Both JSON shapes clients send are accepted: {"k":{"v":true}} and {"k":["v"]}.
/// </summary>
public sealed class ContainerFilter
{
    private static readonly string[] s_known = ["id", "name", "label", "status"];
    private static readonly string[] s_statuses = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];
    private readonly Dictionary<string, List<string>> _values;

    private ContainerFilter(Dictionary<string, List<string>> values) => _values = values;

    public static ContainerFilter Parse(string? json)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return new ContainerFilter(values);
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
                if (!s_known.Contains(property.Name))
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
        foreach (var status in values.GetValueOrDefault("status") ?? [])
        {
            if (!s_statuses.Contains(status))
            {
                throw new InvalidArgumentException($"invalid filter 'status={status}'");
            }
        }
        return new ContainerFilter(values);
    }

    /// <summary>Without `all` only running containers are listed, unless a status filter asks for others.</summary>
    public IEnumerable<Container> Apply(IEnumerable<Container> containers, bool all) =>
        containers.Where(c => Matches(c, all || _values.ContainsKey("status")));

    private bool Matches(Container container, bool all)
    {
        var state = container.State;
        if (!all && !state.Running)
        {
            return false;
        }
        if (_values.TryGetValue("id", out var ids) && !ids.Any(id => container.Id.StartsWith(id, StringComparison.Ordinal)))
        {
            return false;
        }
        if (_values.TryGetValue("name", out var names) && !names.Any(n => container.Name.Contains(n.TrimStart('/'), StringComparison.Ordinal)))
        {
            return false;
        }
        if (_values.TryGetValue("status", out var statuses) && !statuses.Contains(state.Status))
        {
            return false;
        }
        var labels = container.Record.Config.Labels ?? [];
        foreach (var label in _values.GetValueOrDefault("label") ?? [])
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            var ok = eq < 0 ? labels.ContainsKey(label) : labels.TryGetValue(label[..eq], out var v) && v == label[(eq + 1)..];
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
