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

    /// <summary>rancher.services_include as (key, enabled) in file order.</summary>
    public static IEnumerable<(string Name, bool Enabled)> Includes(IReadOnlyDictionary<string, object?> config) =>
        ConfigTree.Get(config, "rancher.services_include") is IReadOnlyDictionary<string, object?> includes
            ? includes.Select(i => (i.Key, i.Value is true))
            : [];

    public static IEnumerable<string> EnabledIncludes(IReadOnlyDictionary<string, object?> config) =>
        Includes(config).Where(i => i.Enabled).Select(i => i.Name);
}
