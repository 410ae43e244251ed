using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Datasources;

/// <summary>
/// Google Compute Engine: computeMetadata/v1/?recursive=true with Metadata-Flavor: Google (the service refuses
/// requests without it). User data is the instance attribute user-data, else startup-script; SSH keys are
/// "user:key" lines in instance and project ssh-keys (project ones unless block-project-ssh-keys is true).
/// </summary>
internal sealed class GceDatasource : IDatasource
{
    private readonly Uri _base;
    private readonly MetadataHttp _http;

    public GceDatasource(string name, Uri baseUri, HttpClient client, TimeSpan timeout)
    {
        Name = name;
        _base = baseUri;
        _http = new MetadataHttp(client, name, timeout);
        _http.Headers["Metadata-Flavor"] = "Google";
    }

    public string Name { get; }

    public Task<bool> IsAvailableAsync(CancellationToken cancellationToken) => _http.AnswersAsync(new Uri(_base, "computeMetadata/v1/"), cancellationToken);

    public async Task<CloudData> FetchAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(_base, "computeMetadata/v1/?recursive=true");
        var metadata = MetadataJson.Parse(await _http.GetAsync(url, cancellationToken).ConfigureAwait(false), MetadataJson.Default.GceMetadata, Name, url.ToString());
        var instance = metadata.Instance?.Attributes ?? [];
        var project = metadata.Project?.Attributes ?? [];
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        AddKeys(keys, "instance", instance);
        if (!string.Equals(instance.GetValueOrDefault("block-project-ssh-keys"), "true", StringComparison.OrdinalIgnoreCase))
        {
            AddKeys(keys, "project", project);
        }
        var userData = instance.GetValueOrDefault("user-data") ?? instance.GetValueOrDefault("startup-script");
        return new CloudData(
            string.IsNullOrEmpty(userData) ? null : System.Text.Encoding.UTF8.GetBytes(userData),
            new InstanceMetadata { Hostname = string.IsNullOrWhiteSpace(metadata.Instance?.Hostname) ? null : metadata.Instance.Hostname.Trim(), SshPublicKeys = keys });
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
