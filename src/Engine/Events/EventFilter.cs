namespace CorralOS.Engine.Events;

/// <summary>GET /events `filters`: type, container (ID, ID prefix or name), image, event (action), label (`k` or `k=v`); values of one key are alternatives, keys all apply.</summary>
public sealed class EventFilter(Dictionary<string, List<string>> filters)
{
    private static readonly string[] s_known = ["type", "container", "image", "event", "label"];

    public static EventFilter Parse(string? json) => new(FilterArguments.Parse(json, s_known));

    public bool Matches(EngineEvent item)
    {
        return Any("type", t => t == item.Type)
            && Any("event", e => Action(item.Action) == e || item.Action == e)
            && Any("container", c => item.Type == "container" && (item.ActorId.StartsWith(c, StringComparison.Ordinal) || Attribute(item, "name") == c))
            && Any("image", i => Attribute(item, "image") == i || (item.Type == "image" && (item.ActorId == i || Attribute(item, "name") == i)))
            && All("label", l => l.Split('=', 2) is [var key, var value] ? Attribute(item, key) == value : item.Attributes.ContainsKey(l));
    }

    // exec_create and exec_start carry the command after a colon ("exec_start: sh -c ..."); filters name the action alone.
    private static string Action(string action) => action.Split(':', 2)[0];

    private static string? Attribute(EngineEvent item, string key) => item.Attributes.TryGetValue(key, out var value) ? value : null;

    private bool Any(string key, Func<string, bool> test) => !filters.TryGetValue(key, out var values) || values.Count == 0 || values.Any(test);

    private bool All(string key, Func<string, bool> test) => !filters.TryGetValue(key, out var values) || values.All(test);
}
