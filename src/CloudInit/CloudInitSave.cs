using CorralOS.Config;

namespace CorralOS.CloudInit;

/// <summary>
/// cloud-init-save (reference §5.2): picks the first available datasource of rancher.cloud_init.datasources (plus
/// the platform DMI names), fetches user data and metadata, sorts the user data and writes the files the config
/// loader reads. When no source answers in time nothing is written; nothing here stops a boot.
/// </summary>
public static class CloudInitSave
{
    /// <summary>RancherOS's default when the config lists none.</summary>
    public const string DefaultDatasource = "configdrive";

    /// <summary>The datasource specs to probe: the configured list (default configdrive) plus the detected platform's.</summary>
    public static IReadOnlyList<string> Datasources(IReadOnlyDictionary<string, object?> config, string sysRoot)
    {
        var configured = ConfigTree.GetStrings(config, "rancher.cloud_init.datasources");
        return PlatformDetection.AddDetected(configured.Count > 0 ? configured : [DefaultDatasource], PlatformDetection.Detect(sysRoot));
    }

    /// <summary>Runs with the sources the merged config lists.</summary>
    public static Task<CloudInitReport> RunAsync(IReadOnlyDictionary<string, object?> config, CloudInitOptions options, CancellationToken cancellationToken) =>
        RunAsync(Datasources(config, options.SysRoot), options, cancellationToken);

    /// <summary>Runs with explicit datasource specs.</summary>
    public static async Task<CloudInitReport> RunAsync(IReadOnlyList<string> specs, CloudInitOptions options, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        var problems = new List<string>();
        using var ownClient = options.Http is null ? new HttpClient(MetadataHosts.Handler()) { Timeout = Timeout.InfiniteTimeSpan } : null;
        var http = options.Http ?? ownClient!;
        var sources = DatasourceFactory.Create(specs, options, http, problems);
        var bound = options.SelectTimeout
            ?? (specs.Any(DatasourceFactory.IsNetworkSource) ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(5));
        var selected = await DatasourceSelector.SelectAsync(sources, bound, cancellationToken).ConfigureAwait(false);
        if (selected is null)
        {
            messages.Add(sources.Count == 0
                ? "no usable datasource configured"
                : $"no datasource available within {bound.TotalSeconds:0.#} s (tried {string.Join(", ", sources.Select(s => s.Name))}); nothing saved");
            return new CloudInitReport(null, messages, problems, Failed: false);
        }
        messages.Add($"datasource {selected.Name}");
        try
        {
            var data = await selected.FetchAsync(cancellationToken).ConfigureAwait(false);
            problems.AddRange(data.Warnings.Select(w => $"{selected.Name}: {w}"));
            var userData = UserDataParser.Parse(data.UserData);
            problems.AddRange(userData.Problems.Select(p => $"{selected.Name}: {p}"));
            messages.Add(Describe(data, userData));
            messages.AddRange(CloudInitFiles.Save(options.Paths, userData, data.Metadata, selected.Name));
            return new CloudInitReport(selected.Name, messages, problems, Failed: false);
        }
        catch (DatasourceException e)
        {
            problems.Add(e.Message + "; nothing saved");
        }
        catch (HttpRequestException e)
        {
            problems.Add($"{selected.Name}: {e.Message}; nothing saved");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{selected.Name}: saving failed: {e.Message}");
        }
        return new CloudInitReport(selected.Name, messages, problems, Failed: true);
    }

    private static string Describe(CloudData data, UserData userData)
    {
        var parts = new List<string>
        {
            data.UserData is null ? "no user data"
                : userData.CloudConfig is null && userData.Script is null ? "user data ignored"
                : string.Join(" and ", new[] { userData.CloudConfig is null ? null : "cloud-config", userData.Script is null ? null : "script" }.OfType<string>()),
        };
        if (data.Metadata.Hostname is { } hostname)
        {
            parts.Add($"hostname {hostname}");
        }
        parts.Add($"{data.Metadata.SshPublicKeys.Count} SSH key(s)");
        if (data.Metadata.Network is not null)
        {
            parts.Add("network config");
        }
        return string.Join(", ", parts);
    }
}
