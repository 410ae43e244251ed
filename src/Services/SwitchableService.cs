using CorralOS.Config;

namespace CorralOS.Services;

/// <summary>
/// A system service users pick the flavour of from a catalog (reference §6): the console and the User Docker engine.
/// A built-in flavour is the service rancher.services defines; the catalog's index.yml lists the others under
/// <see cref="IndexKey"/>, each file defining <see cref="Service"/>, which replaces the built-in one when
/// <see cref="ConfigKey"/> names it. The running container tells its flavour by <see cref="Label"/>.
/// </summary>
/// <param name="Noun">What users call one ("console", "engine"), for messages.</param>
/// <param name="DefaultsKey">A config key whose value also names the built-in flavour (RancherOS's
/// rancher.defaults.docker.engine), or null.</param>
public sealed record SwitchableService(string Noun, string Service, string Default, string Label, string ConfigKey, string IndexKey, string? DefaultsKey = null)
{
    public static SwitchableService Console { get; } = new("console", Consoles.Service, Consoles.Default, Consoles.Label, "rancher.console", "consoles");

    public static SwitchableService Engine { get; } = new("engine", Engines.Service, Engines.Default, Engines.Label, "rancher.docker.engine", "engines", "rancher.defaults.docker.engine");

    /// <summary>The flavour <see cref="ConfigKey"/> names, or <see cref="Default"/> when unset, empty or the defaults' name.</summary>
    public string Enabled(IReadOnlyDictionary<string, object?> config) =>
        ConfigTree.Get(config, ConfigKey) is string { Length: > 0 } name
        && !(DefaultsKey is not null && ConfigTree.Get(config, DefaultsKey) as string == name)
            ? name
            : Default;

    /// <summary>A copy of <paramref name="config"/> whose <see cref="ConfigKey"/> is <paramref name="name"/>; only the maps on the key's path are copied.</summary>
    public Dictionary<string, object?> With(IReadOnlyDictionary<string, object?> config, string name)
    {
        var copy = new Dictionary<string, object?>(config, StringComparer.Ordinal);
        var current = copy;
        var parts = ConfigKey.Split('.');
        foreach (var part in parts[..^1])
        {
            var child = current.GetValueOrDefault(part) is IReadOnlyDictionary<string, object?> existing
                ? new Dictionary<string, object?>(existing, StringComparer.Ordinal)
                : new Dictionary<string, object?>(StringComparer.Ordinal);
            current[part] = child;
            current = child;
        }
        current[parts[^1]] = name;
        return copy;
    }

    public string NotValid(string name) => $"{name} is not a valid {Noun}";

    /// <summary>The built-in flavour and the catalog's, sorted, each once.</summary>
    public IReadOnlyList<string> All(IEnumerable<string> catalogNames) =>
        catalogNames.Append(Default).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// `ros console list` / `ros engine list`: each flavour as current (the running container's), enabled (the config's,
    /// for the next boot) or disabled; current wins when both hold.
    /// </summary>
    public static IReadOnlyList<(string State, string Name)> States(IReadOnlyList<string> all, string? current, string enabled) =>
        all.Select(name => (name == current ? "current" : name == enabled ? "enabled" : "disabled", name)).ToList();
}
