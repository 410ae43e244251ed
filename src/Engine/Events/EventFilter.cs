using CorralOS.Engine.Images;

namespace CorralOS.Engine.Events;

/// <summary>
/// GET /events `filters`, with Docker's keys and rules: `type`, `event` (action; `exec_create`, `exec_start` and
/// `health_status` also match the action with its command), `scope` (`local`: every event here), `container`,
/// `daemon`, `network`, `volume`, `plugin`, `node`, `service`, `secret`, `config` (the actor's ID, an ID prefix or
/// its name), `image` (the image attribute, or an image event's ID or name, with or without its tag) and `label`
/// (`k` or `k=v`, all must hold). Values of one key are alternatives; keys all apply.
/// </summary>
public sealed class EventFilter(Dictionary<string, List<string>> filters)
{
    private static readonly string[] s_actorKeys = ["container", "daemon", "network", "volume", "plugin", "node", "service", "secret", "config"];

    private static readonly string[] s_known = ["type", "event", "scope", "image", "label", .. s_actorKeys];

    public static EventFilter Parse(string? json) => new(FilterArguments.Parse(json, s_known));

    public bool Matches(EngineEvent item) =>
        Any("type", t => t == item.Type)
        && Any("event", e => item.Action == e || (s_commandActions.Contains(e) && item.Action.StartsWith(e + ":", StringComparison.Ordinal)))
        && Any("scope", s => s == EngineEvent.Scope)
        && s_actorKeys.All(key => Any(key, a => key == item.Type && (item.ActorId.StartsWith(a, StringComparison.Ordinal) || Attribute(item, "name") is { } name && name.StartsWith(a, StringComparison.Ordinal))))
        && Any("image", i => ImageNames(item).Any(n => n == i))
        && All("label", l => FilterArguments.HasLabel(item.Attributes, l));

    // exec_create and exec_start carry the command after a colon ("exec_start: sh -c ..."); a filter may name the action alone.
    private static readonly string[] s_commandActions = ["exec_create", "exec_start", "health_status"];

    // The names an image filter compares with: a container's image, an image event's ID and name, each also without its tag.
    private static IEnumerable<string> ImageNames(EngineEvent item)
    {
        var names = new List<string>();
        if (item.Type == "image")
        {
            names.Add(item.ActorId);
        }
        if (Attribute(item, item.Type == "image" ? "name" : "image") is { } named)
        {
            names.Add(named);
        }
        foreach (var name in names.ToList())
        {
            if (!name.StartsWith("sha256:", StringComparison.Ordinal) && ImageReference.TryParse(name, out var reference) && reference is not null)
            {
                names.Add(reference.FamiliarName);
                names.Add(reference.Name);
            }
        }
        return names;
    }

    private static string? Attribute(EngineEvent item, string key) => item.Attributes.TryGetValue(key, out var value) ? value : null;

    private bool Any(string key, Func<string, bool> test) => !filters.TryGetValue(key, out var values) || values.Count == 0 || values.Any(test);

    private bool All(string key, Func<string, bool> test) => !filters.TryGetValue(key, out var values) || values.All(test);
}
