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
        project = project.Concat(await ChosenAsync(SwitchableService.Console, config, catalog, environment, cancellationToken).ConfigureAwait(false));
        project = project.Concat(await ChosenAsync(SwitchableService.Engine, config, catalog, environment, cancellationToken).ConfigureAwait(false));
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
    /// The service of the flavour the config names (reference §6: rancher.console's console, rancher.docker.engine's
    /// engine), which replaces the built-in one; an unknown name is a problem and the built-in one stays, so a typo never
    /// leaves a machine without a login or a Docker.
    /// </summary>
    public static async Task<ComposeFile> ChosenAsync(SwitchableService switchable, IReadOnlyDictionary<string, object?> config, ServiceCatalog catalog, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var name = switchable.Enabled(config);
        if (name == switchable.Default)
        {
            return ComposeFile.Empty;
        }
        var stays = $"the default {switchable.Noun} stays";
        string? text = null;
        try
        {
            if ((await catalog.NamesOfAsync(switchable, cancellationToken).ConfigureAwait(false)).Contains(name))
            {
                text = await catalog.ReadAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ServiceException or HttpRequestException or IOException)
        {
            return new ComposeFile([], [new ConfigProblem(name, null, null, switchable.ConfigKey, $"{e.Message}; {stays}")]);
        }
        if (text is null)
        {
            return new ComposeFile([], [new ConfigProblem(switchable.ConfigKey, null, null, switchable.ConfigKey, $"{switchable.NotValid(name)}; {stays}")]);
        }
        var file = ComposeParser.ParseFile(text, name, environment);
        return file with { Services = file.Services.Where(s => s.Name == switchable.Service).ToList() };
    }

    /// <summary>rancher.services_include as (key, enabled) in file order.</summary>
    public static IEnumerable<(string Name, bool Enabled)> Includes(IReadOnlyDictionary<string, object?> config) =>
        ConfigTree.Get(config, "rancher.services_include") is IReadOnlyDictionary<string, object?> includes
            ? includes.Select(i => (i.Key, i.Value is true))
            : [];

    public static IEnumerable<string> EnabledIncludes(IReadOnlyDictionary<string, object?> config) =>
        Includes(config).Where(i => i.Enabled).Select(i => i.Name);
}
