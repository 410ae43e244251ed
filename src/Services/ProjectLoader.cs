using CorralOS.Compose;
using CorralOS.Config;

namespace CorralOS.Services;

/// <summary>
/// The compose project `os` as RancherOS built it (reference §1.5): rancher.services of the merged config, then every
/// rancher.services_include entry set to true, read through the catalog; ${VAR} from rancher.environment throughout.
/// A later file's service replaces an earlier one of the same name.
/// </summary>
public static class ProjectLoader
{
    public const string ServicesSource = "rancher.services";

    public static async Task<ComposeFile> LoadAsync(IReadOnlyDictionary<string, object?> config, ServiceCatalog catalog, CancellationToken cancellationToken)
    {
        var environment = Interpolation.Environment(config);
        var project = ConfigTree.Get(config, "rancher.services") is IReadOnlyDictionary<string, object?> services
            ? ComposeParser.ParseServices(services, "(merged config)", ServicesSource, environment)
            : ComposeFile.Empty;
        project = project.Concat(await ConsoleAsync(config, catalog, environment, cancellationToken).ConfigureAwait(false));
        foreach (var include in EnabledIncludes(config))
        {
            string? text;
            try
            {
                text = await catalog.ReadAsync(include, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ServiceException or HttpRequestException or IOException)
            {
                project = project.Concat(new ComposeFile([], [new ConfigProblem(include, null, null, "", e.Message)]));
                continue;
            }
            project = project.Concat(text is null
                ? new ComposeFile([], [new ConfigProblem(include, null, null, "", "enabled in rancher.services_include, but not found (catalog name, local file or URL)")])
                : ComposeParser.ParseFile(text, include, environment));
        }
        return project;
    }

    /// <summary>
    /// The service `console` of the console rancher.console names (reference §6.1), which replaces the default one; an
    /// unknown name is a problem and the default console stays, so a typo never leaves a machine without a login.
    /// </summary>
    public static async Task<ComposeFile> ConsoleAsync(IReadOnlyDictionary<string, object?> config, ServiceCatalog catalog, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var name = Consoles.Enabled(config);
        if (name == Consoles.Default)
        {
            return ComposeFile.Empty;
        }
        string? text = null;
        try
        {
            if ((await catalog.ConsoleNamesAsync(cancellationToken).ConfigureAwait(false)).Contains(name))
            {
                text = await catalog.ReadAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ServiceException or HttpRequestException or IOException)
        {
            return new ComposeFile([], [new ConfigProblem(name, null, null, "rancher.console", $"{e.Message}; the default console stays")]);
        }
        if (text is null)
        {
            return new ComposeFile([], [new ConfigProblem("rancher.console", null, null, "rancher.console", $"{Consoles.NotValid(name)}; the default console stays")]);
        }
        var file = ComposeParser.ParseFile(text, name, environment);
        return file with { Services = file.Services.Where(s => s.Name == Consoles.Service).ToList() };
    }

    /// <summary>rancher.services_include as (key, enabled) in file order.</summary>
    public static IEnumerable<(string Name, bool Enabled)> Includes(IReadOnlyDictionary<string, object?> config) =>
        ConfigTree.Get(config, "rancher.services_include") is IReadOnlyDictionary<string, object?> includes
            ? includes.Select(i => (i.Key, i.Value is true))
            : [];

    public static IEnumerable<string> EnabledIncludes(IReadOnlyDictionary<string, object?> config) =>
        Includes(config).Where(i => i.Enabled).Select(i => i.Name);
}
