namespace CorralOS.Config;

/// <summary>
/// The last layer: what the datasource's metadata (/var/lib/rancher/conf/metadata, YAML with hostname,
/// ssh_public_keys: {name: key} and resize_device) may add. It only fills gaps: hostname and rancher.resize_device
/// when no layer set them; SSH keys are appended, sorted by name, each only if not already there.
/// </summary>
public static class MetadataMerge
{
    public static void Apply(Dictionary<string, object?> config, IReadOnlyDictionary<string, object?> metadata)
    {
        if (metadata.GetValueOrDefault("hostname") is string { Length: > 0 } hostname && config.GetValueOrDefault("hostname") is null or "")
        {
            config["hostname"] = hostname;
        }
        if (metadata.GetValueOrDefault("ssh_public_keys") is IReadOnlyDictionary<string, object?> keys && keys.Count > 0)
        {
            var list = config.GetValueOrDefault("ssh_authorized_keys") is IReadOnlyList<object?> existing ? existing.ToList() : [];
            foreach (var (_, key) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                if (key is string { Length: > 0 } text && !list.Contains(text))
                {
                    list.Add(text);
                }
            }
            config["ssh_authorized_keys"] = list;
        }
        if (metadata.GetValueOrDefault("resize_device") is string { Length: > 0 } device
            && ConfigTree.Get(config, "rancher.resize_device") is null or "")
        {
            ConfigTree.Set(config, "rancher.resize_device", device);
        }
    }
}
