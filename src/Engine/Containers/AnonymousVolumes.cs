namespace CorralOS.Engine.Containers;

/// <summary>
/// Which paths of a new container get an anonymous volume: the merged config's Volumes (the image's VOLUME and
/// `-v /path`) that no bind, mount or tmpfs covers, and `--mount type=volume` without a source. Each gets a random
/// 64-hex name, chosen once at create and kept in the record.
/// </summary>
public static class AnonymousVolumes
{
    public static Dictionary<string, string> Choose(ContainerCreateRequest config)
    {
        var host = config.HostConfig ?? new HostConfig();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bind in host.Binds ?? [])
        {
            var parts = bind.Split(':');
            if (parts.Length >= 2)
            {
                covered.Add(Normalize(parts[1]));
            }
        }
        foreach (var target in host.Tmpfs?.Keys ?? Enumerable.Empty<string>())
        {
            covered.Add(Normalize(target));
        }
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in host.Mounts ?? [])
        {
            var target = Normalize(mount.Target ?? "");
            if (mount.Type == "volume" && string.IsNullOrEmpty(mount.Source) && target.Length > 0)
            {
                chosen[target] = Volumes.VolumeStore.NewAnonymousName();
            }
            covered.Add(target);
        }
        foreach (var path in config.Volumes?.Keys ?? Enumerable.Empty<string>())
        {
            var target = Normalize(path);
            if (!target.StartsWith('/'))
            {
                throw new InvalidArgumentException($"invalid volume specification: '{path}': the path must be absolute");
            }
            if (!covered.Contains(target) && !chosen.ContainsKey(target))
            {
                chosen[target] = Volumes.VolumeStore.NewAnonymousName();
            }
        }
        return chosen;
    }

    public static string Normalize(string target) => target.Length > 1 ? target.TrimEnd('/') : target;
}
