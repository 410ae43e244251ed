namespace CorralOS.Services;

/// <summary>
/// The consoles users can choose from (reference §6.1): `default`, built into the image and rebuilt every boot, and
/// the catalog's persistent ones (index.yml `consoles:`, each file defining the service `console`). rancher.console
/// names the one PID 1 brings up. The rules are those of every <see cref="SwitchableService"/>.
/// </summary>
public static class Consoles
{
    public static SwitchableService Switchable => SwitchableService.Console;

    public const string Default = "default";

    /// <summary>The service every console file defines; it replaces rancher.services.console.</summary>
    public const string Service = "console";

    /// <summary>The label a console container carries its flavour in.</summary>
    public const string Label = Compose.RancherLabels.Console;

    /// <summary>rancher.console, or `default` when unset or empty.</summary>
    public static string Enabled(IReadOnlyDictionary<string, object?> config) => Switchable.Enabled(config);

    /// <summary>A copy of <paramref name="config"/> whose rancher.console is <paramref name="name"/> (the rest shared).</summary>
    public static Dictionary<string, object?> WithConsole(IReadOnlyDictionary<string, object?> config, string name) => Switchable.With(config, name);

    public static string NotValid(string name) => Switchable.NotValid(name);

    /// <summary>`default` and the catalog's consoles, sorted, each once.</summary>
    public static IReadOnlyList<string> All(IEnumerable<string> catalogConsoles) => Switchable.All(catalogConsoles);

    /// <summary>`ros console list`'s states (<see cref="SwitchableService.States"/>).</summary>
    public static IReadOnlyList<(string State, string Name)> States(IReadOnlyList<string> all, string? current, string enabled) =>
        SwitchableService.States(all, current, enabled);
}
