using CorralOS.Config;

namespace CorralOS.Services;

/// <summary>
/// The consoles users can choose from (reference §6.1): `default`, built into the image and rebuilt every boot, and
/// the catalog's persistent ones (index.yml `consoles:`, each file defining the service `console`). rancher.console
/// names the one PID 1 brings up.
/// </summary>
public static class Consoles
{
    public const string Default = "default";

    /// <summary>The service every console file defines; it replaces rancher.services.console.</summary>
    public const string Service = "console";

    /// <summary>The label a console container carries its flavour in.</summary>
    public const string Label = "io.rancher.os.console";

    /// <summary>rancher.console, or `default` when unset or empty.</summary>
    public static string Enabled(IReadOnlyDictionary<string, object?> config) =>
        ConfigTree.Get(config, "rancher.console") is string { Length: > 0 } name ? name : Default;

    /// <summary>A copy of <paramref name="config"/> whose rancher.console is <paramref name="name"/> (the rest shared).</summary>
    public static Dictionary<string, object?> WithConsole(IReadOnlyDictionary<string, object?> config, string name)
    {
        var copy = new Dictionary<string, object?>(config, StringComparer.Ordinal);
        var rancher = config.GetValueOrDefault("rancher") is IReadOnlyDictionary<string, object?> r
            ? new Dictionary<string, object?>(r, StringComparer.Ordinal)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        rancher["console"] = name;
        copy["rancher"] = rancher;
        return copy;
    }

    public static string NotValid(string name) => $"{name} is not a valid console";

    /// <summary>`default` and the catalog's consoles, sorted, each once.</summary>
    public static IReadOnlyList<string> All(IEnumerable<string> catalogConsoles) =>
        catalogConsoles.Append(Default).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// `ros console list`: each console as current (the running console container's flavour), enabled (rancher.console,
    /// for the next boot) or disabled; current wins when both hold.
    /// </summary>
    public static IReadOnlyList<(string State, string Name)> States(IReadOnlyList<string> all, string? current, string enabled) =>
        all.Select(name => (name == current ? "current" : name == enabled ? "enabled" : "disabled", name)).ToList();
}
