using System.Security.Cryptography;
using System.Text;
using CorralOS.Config;

namespace CorralOS.Services;

/// <summary>
/// Where service files come from (reference §3.5): a rancher.services_include key is a catalog name, a local file
/// under /var/lib/rancher/conf, or an http(s) URL. Names are looked up in the catalog shipped in the image
/// (/usr/share/ros/services: index.yml and &lt;first letter&gt;/&lt;name&gt;.yml), then in each of rancher.repositories
/// (by name) with the same layout, a URL or a local directory. Downloads are cached under /var/lib/rancher/cache by
/// the md5 of their URL and kept until an update (`-u`) fetches them again.
/// </summary>
public sealed class ServiceCatalog
{
    private readonly ConfigPaths _paths;
    private readonly IReadOnlyList<string> _repositories;
    private readonly HttpClient _http;
    private readonly bool _update;

    public ServiceCatalog(ConfigPaths paths, IReadOnlyDictionary<string, object?> config, HttpClient http, bool update = false)
    {
        _paths = paths;
        _http = http;
        _update = update;
        var repositories = new List<string> { LocalCatalog };
        if (ConfigTree.Get(config, "rancher.repositories") is IReadOnlyDictionary<string, object?> configured)
        {
            repositories.AddRange(configured.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => r.Value is IReadOnlyDictionary<string, object?> repo ? repo.GetValueOrDefault("url") as string : null)
                .OfType<string>()
                .Where(url => url.Length > 0));
        }
        _repositories = repositories;
    }

    /// <summary>The local paths of enabled services must be here (as in RancherOS).</summary>
    public const string LocalServiceDirectory = "/var/lib/rancher/conf";

    /// <summary>The catalog in the image.</summary>
    public string LocalCatalog => Under("usr/share/ros/services");

    public string CacheDirectory => Under("var/lib/rancher/cache");

    public static bool IsUrl(string include) =>
        include.StartsWith("http://", StringComparison.Ordinal) || include.StartsWith("https://", StringComparison.Ordinal);

    public static bool IsLocalPath(string include) => include.StartsWith('/');

    /// <summary>The service names every catalog's index.yml lists under services:, sorted, each once.</summary>
    public Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken) => IndexedAsync("services", cancellationToken);

    /// <summary>The flavours of <paramref name="switchable"/> every catalog's index.yml lists under consoles: or engines: (their files define the service it replaces).</summary>
    public Task<IReadOnlyList<string>> NamesOfAsync(SwitchableService switchable, CancellationToken cancellationToken) => IndexedAsync(switchable.IndexKey, cancellationToken);

    private async Task<IReadOnlyList<string>> IndexedAsync(string key, CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var repository in _repositories)
        {
            var text = await TryReadRepositoryAsync(Join(repository, "index.yml"), cancellationToken).ConfigureAwait(false);
            if (text is not null && YamlValues.Parse(text) is IReadOnlyDictionary<string, object?> index && index.GetValueOrDefault(key) is IEnumerable<object?> listed)
            {
                names.UnionWith(listed.OfType<string>());
            }
        }
        return names.ToList();
    }

    /// <summary>Whether <paramref name="include"/> can be enabled: a catalog name that exists, a local file in the right place, or a URL.</summary>
    public async Task<string?> ProblemWithAsync(string include, CancellationToken cancellationToken)
    {
        if (IsUrl(include))
        {
            return null;
        }
        if (IsLocalPath(include))
        {
            var full = Path.GetFullPath(include);
            if (!full.StartsWith(LocalServiceDirectory + "/", StringComparison.Ordinal))
            {
                return $"{include}: local service files must be under {LocalServiceDirectory}";
            }
            return File.Exists(Under(full.TrimStart('/'))) ? null : $"{include}: no such file";
        }
        return await ReadAsync(include, cancellationToken).ConfigureAwait(false) is null ? $"{include} is not a valid service" : null;
    }

    /// <summary>The text of the service file an include key names, or null when it cannot be found.</summary>
    public async Task<string?> ReadAsync(string include, CancellationToken cancellationToken)
    {
        if (IsUrl(include))
        {
            return await TryReadAsync(include, cancellationToken).ConfigureAwait(false);
        }
        if (IsLocalPath(include))
        {
            var full = Path.GetFullPath(include);
            return full.StartsWith(LocalServiceDirectory + "/", StringComparison.Ordinal) ? await TryReadAsync(Under(full.TrimStart('/')), cancellationToken).ConfigureAwait(false) : null;
        }
        if (include.Length == 0 || include.Contains('/', StringComparison.Ordinal) || include.StartsWith('.'))
        {
            return null;
        }
        foreach (var repository in _repositories)
        {
            if (await TryReadRepositoryAsync(Join(repository, $"{include[0]}/{include}.yml"), cancellationToken).ConfigureAwait(false) is { } text)
            {
                return text;
            }
        }
        return null;
    }

    /// <summary>Repositories that could not be read (offline, server errors): one line each, for the caller to print as warnings.</summary>
    public List<string> Warnings { get; } = [];

    // An unreachable repository is a warning, not the end: the others (and the image's catalog) still count.
    private async Task<string?> TryReadRepositoryAsync(string location, CancellationToken cancellationToken)
    {
        try
        {
            return await TryReadAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or ServiceException or TaskCanceledException)
        {
            lock (Warnings)
            {
                Warnings.Add($"{location}: {e.Message}");
            }
            return null;
        }
    }

    private string Under(string relative) => Path.Combine(_paths.Root, relative);

    private static string Join(string repository, string relative) => repository.TrimEnd('/') + "/" + relative;

    /// <summary>A local file, a file:// URL, or an http(s) URL through the cache; null when absent.</summary>
    private async Task<string?> TryReadAsync(string location, CancellationToken cancellationToken)
    {
        if (location.StartsWith("file://", StringComparison.Ordinal))
        {
            location = location["file://".Length..];
        }
        if (!IsUrl(location))
        {
            return File.Exists(location) ? await File.ReadAllTextAsync(location, cancellationToken).ConfigureAwait(false) : null;
        }
        var cached = Path.Combine(CacheDirectory, Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(location))));
        if (!_update && File.Exists(cached))
        {
            return await File.ReadAllTextAsync(cached, cancellationToken).ConfigureAwait(false);
        }
        using var response = await _http.GetAsync(location, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new ServiceException($"{location}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(CacheDirectory);
        CloudConfigStore.WriteAtomically(cached, text, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return text;
    }
}
