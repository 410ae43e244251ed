using System.Text;
using CorralOS.Config;
using CorralOS.Linux;

namespace CorralOS.CloudInit;

/// <summary>
/// Writes what a datasource gave (reference §4 "Writers", §5.2 step 4) on every boot one answered: boot.yml (the
/// user-data cloud-config), cloud-config-script (0700), metadata (hostname, ssh_public_keys, resize_device) and
/// network.yml (rancher.network, when the metadata describes interfaces or DNS); all atomic, 0600. A file this
/// boot's data does not provide is removed, so an old user-data's config does not outlive it.
/// </summary>
public static class CloudInitFiles
{
    /// <summary>Writes the files; returns one line per file written or removed.</summary>
    public static IReadOnlyList<string> Save(ConfigPaths paths, UserData userData, InstanceMetadata metadata, string source)
    {
        var actions = new List<string>();
        void Put(string path, byte[]? content, UnixFileMode mode)
        {
            if (content is not null)
            {
                AtomicFile.Write(path, content, mode);
                actions.Add($"wrote {path}");
            }
            else if (SavedFile.Remove(path))
            {
                actions.Add($"removed {path} (not in this boot's data)");
            }
        }
        Put(paths.BootConfig(), userData.CloudConfig is { } config ? Encoding.UTF8.GetBytes(config) : null, SavedFile.Private);
        Put(paths.Script(), userData.Script, SavedFile.PrivateExecutable);
        Put(paths.Metadata, Encoding.UTF8.GetBytes(MetadataYaml(metadata)), SavedFile.Private);
        Put(paths.NetworkConfig(), metadata.Network is { } network ? Encoding.UTF8.GetBytes(NetworkYaml(network, source)) : null, SavedFile.Private);
        return actions;
    }

    /// <summary>The metadata file the config loader's last layer reads (docs/config.md).</summary>
    public static string MetadataYaml(InstanceMetadata metadata)
    {
        var tree = YamlDocument.NewTree();
        if (metadata.Hostname is { } hostname)
        {
            tree["hostname"] = hostname;
        }
        if (metadata.SshPublicKeys.Count > 0)
        {
            tree["ssh_public_keys"] = metadata.SshPublicKeys
                .OrderBy(k => k.Key, StringComparer.Ordinal)
                .ToDictionary(k => k.Key, k => (object?)k.Value, StringComparer.Ordinal);
        }
        if (metadata.ResizeDevice is { } device)
        {
            tree["resize_device"] = device;
        }
        return ConfigYaml.Write(tree);
    }

    public static string NetworkYaml(Dictionary<string, object?> network, string source)
    {
        var tree = YamlDocument.NewTree();
        ConfigTree.Set(tree, "rancher.network", network);
        return $"# rancher.network from the {source} metadata; cloud-init-save rewrites this file at every boot.\n" + ConfigYaml.Write(tree);
    }
}
