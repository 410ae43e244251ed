using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// Google Compute Engine: computeMetadata/v1/?recursive=true with Metadata-Flavor: Google (the service refuses
/// requests without it). User data is the instance attribute user-data, else startup-script; SSH keys are
/// "user:key" lines in instance and project ssh-keys (project ones unless block-project-ssh-keys is true).
/// </summary>
internal sealed class GceDatasource : HttpDatasource
{
    private readonly Uri _base;

    public GceDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout)
        : base(name, client, timeout)
    {
        _base = baseUri;
        Http.Headers["Metadata-Flavor"] = "Google";
    }

    protected override Uri ProbeUrl => new(_base, "computeMetadata/v1/");

    public override async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var metadata = await GetJsonAsync(new Uri(_base, "computeMetadata/v1/?recursive=true"), MetadataJson.Default.GceMetadata, cancellationToken).ConfigureAwait(false);
        var instance = metadata.Instance?.Attributes ?? [];
        var project = metadata.Project?.Attributes ?? [];
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        AddKeys(keys, "instance", instance);
        if (!string.Equals(instance.GetValueOrDefault("block-project-ssh-keys"), "true", StringComparison.OrdinalIgnoreCase))
        {
            AddKeys(keys, "project", project);
        }
        var userData = instance.GetValueOrDefault("user-data") ?? instance.GetValueOrDefault("startup-script");
        return new CloudData(UserDataText(userData), new InstanceMetadata { Hostname = NonBlank(metadata.Instance?.Hostname), SshPublicKeys = keys });
    }

    // "user:ssh-ed25519 AAAA... comment", one a line; sshKeys is the legacy attribute name.
    private static void AddKeys(Dictionary<string, string> keys, string scope, IReadOnlyDictionary<string, string> attributes)
    {
        var lines = new[] { "ssh-keys", "sshKeys" }
            .Select(attributes.GetValueOrDefault)
            .SelectMany(text => (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var index = 0;
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var key = colon < 0 ? line : line[(colon + 1)..].Trim();
            if (key.Length > 0 && !keys.ContainsValue(key))
            {
                keys[$"{scope}-{index++:D3}-{(colon < 0 ? "" : line[..colon])}"] = key;
            }
        }
    }
}
