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
        var values = FilterArguments.Parse(json, s_known);
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
        return (_values.GetValueOrDefault("label") ?? []).All(label => FilterArguments.HasLabel(labels, label));
    }
}
