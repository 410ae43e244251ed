namespace CorralOS.CloudInit;

/// <summary>
/// What the platform says about this machine, in the form /var/lib/rancher/conf/metadata holds (reference §4 step 8):
/// a hostname, SSH public keys by name (appended in name order), the root disk to grow, and a rancher.network tree
/// (reference §3.4) when the platform describes static or bonded interfaces.
/// </summary>
public sealed record InstanceMetadata
{
    public static InstanceMetadata Empty { get; } = new();

    public string? Hostname { get; init; }

    public IReadOnlyDictionary<string, string> SshPublicKeys { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public string? ResizeDevice { get; init; }

    /// <summary>The rancher.network tree (interfaces, dns), or null when the platform gives none.</summary>
    public Dictionary<string, object?>? Network { get; init; }

    /// <summary>Keys named name-0, name-1 ... in list order (names keep that order when sorted).</summary>
    public static Dictionary<string, string> NumberKeys(string prefix, IEnumerable<string> keys)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var key in keys.Select(k => k.Trim()).Where(k => k.Length > 0))
        {
            named[$"{prefix}-{index++:D3}"] = key;
        }
        return named;
    }
}
