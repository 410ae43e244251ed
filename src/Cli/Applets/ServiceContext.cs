using System.CommandLine;
using CorralOS.Compose;
using CorralOS.Config;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// What one `ros service` invocation works with: the config paths, the merged config, the catalog, the project `os`
/// (rancher.services plus enabled services_include) and an engine client per scope, created on first use.
/// </summary>
internal sealed class ServiceContext : IDisposable
{
    private readonly string _systemHost;
    private readonly string _userHost;
    private readonly Dictionary<ServiceScope, EngineClient> _engines = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public ServiceContext(ParseResult parse, ConfigPaths paths, string systemHost, string userHost, bool update)
    {
        Parse = parse;
        Paths = paths;
        _systemHost = systemHost;
        _userHost = userHost;
        Config = new ConfigLoader(paths).Load().Tree;
        Catalog = new ServiceCatalog(paths, Config, _http, update);
    }

    public ParseResult Parse { get; }

    public ConfigPaths Paths { get; }

    public Dictionary<string, object?> Config { get; }

    public ServiceCatalog Catalog { get; }

    public TextWriter Output => Parse.InvocationConfiguration.Output;

    public TextWriter Error => Parse.InvocationConfiguration.Error;

    public EngineClient Engine(ServiceScope scope)
    {
        lock (_engines)
        {
            if (!_engines.TryGetValue(scope, out var engine))
            {
                engine = new EngineClient(scope == ServiceScope.System ? _systemHost : _userHost);
                _engines[scope] = engine;
            }
            return engine;
        }
    }

    public ServiceManager Manager() => new(Engine, ManagedLabels.DefaultProject, Path.Combine(Paths.Root, "var/lib/rancher/conf"), WriteLine);

    /// <summary>One line to standard output; callers on several threads do not interleave.</summary>
    public void WriteLine(string line)
    {
        lock (Output)
        {
            Output.WriteLine(line);
        }
    }

    /// <summary>The project's services; problems go to stderr (unknown keys as warnings), services with errors are left out.</summary>
    public async Task<IReadOnlyList<ServiceDefinition>> ServicesAsync(CancellationToken cancellationToken)
    {
        var project = await ProjectLoader.LoadAsync(Config, Catalog, cancellationToken).ConfigureAwait(false);
        ReportCatalogWarnings();
        foreach (var problem in project.Problems)
        {
            Error.WriteLine(problem.IsUnknownKey ? $"warning: {problem}" : problem.ToString());
        }
        return project.Services;
    }

    /// <summary>
    /// Loads into System Docker the images of <paramref name="services"/> it lacks that an archive of the initrd holds
    /// (/usr/share/ros/images, build/images.sh: the system and catalog images, which no registry has) or a staged one
    /// (/var/lib/rancher/images: a console's or engine's, see MediumImageStaging), as PID 1 does
    /// at boot; an image no archive holds is left to a pull.
    /// </summary>
    public async Task LoadSystemImagesAsync(IEnumerable<ServiceDefinition> services, CancellationToken cancellationToken)
    {
        var needed = services.Where(s => s.Rancher.ServiceScope == ServiceScope.System && !string.IsNullOrEmpty(s.Image)).Select(s => s.Image!).ToList();
        if (needed.Count == 0)
        {
            return;
        }
        var index = CorralOS.Init.SystemDocker.SystemImageIndex.Read(
            [Path.Combine(Paths.Root, SystemImagesDirectory), Path.Combine(Paths.Root, CorralOS.Init.SystemDocker.SystemDockerPaths.StagedImagesDirectory.TrimStart('/'))],
            problem => Error.WriteLine($"warning: {problem}"));
        await index.LoadMissingAsync(Engine(ServiceScope.System), needed, WriteLine, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where the initrd keeps the system image archives, under the root.</summary>
    public const string SystemImagesDirectory = "usr/share/ros/images";

    /// <summary>Prints what the catalog could not read, as warnings.</summary>
    public void ReportCatalogWarnings()
    {
        foreach (var warning in Catalog.Warnings)
        {
            Error.WriteLine($"warning: {warning}");
        }
        Catalog.Warnings.Clear();
    }

    public void Dispose()
    {
        foreach (var engine in _engines.Values)
        {
            engine.Dispose();
        }
        _http.Dispose();
    }
}
