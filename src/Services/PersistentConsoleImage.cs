using CorralOS.Compose;

namespace CorralOS.Services;

/// <summary>
/// Which image a persistent console (io.docker.compose.rebuild "false", e.g. debian) runs across OS versions
/// (docs/upgrade.md, "Persistent consoles"). Each version's catalog asks for the console image of its own version, but
/// `ros os upgrade` stages it only with --upgrade-console: without it the console keeps the image of the same console
/// already staged (RancherOS kept the persistent console's container across upgrades). With it, the new version's
/// first boot replaces the console's /usr and /var volumes (its software and the package database that describes it)
/// with the new image's, and keeps /etc and /root.
/// </summary>
public static class PersistentConsoleImage
{
    /// <summary>Written by `ros os upgrade --upgrade-console` (one line: the console image the new version asks for); on the state disk.</summary>
    public const string UpgradeMarker = "/var/lib/rancher/console-upgrade";

    /// <summary>The mount points whose named volumes an upgraded console gets anew from its image (copy-up fills only an empty volume).</summary>
    public static IReadOnlyList<string> ReplacedMounts { get; } = ["/usr", "/var"];

    /// <summary>Whether <paramref name="service"/> is a console that keeps its filesystem (never rebuilt).</summary>
    public static bool IsPersistent(ServiceDefinition service) =>
        service.Name == Consoles.Service && service.Rancher.RebuildPolicy == RebuildPolicy.Never;

    /// <summary>The image without its tag: `corralos/os-console-debian` of `corralos/os-console-debian:1.0` (a registry port is not a tag).</summary>
    public static string Repository(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[..colon] : image;
    }

    /// <summary>The tag (`latest` when none).</summary>
    public static string Tag(string image)
    {
        var repository = Repository(image);
        return repository.Length < image.Length ? image[(repository.Length + 1)..] : "latest";
    }

    /// <summary>The same image for another OS version: the catalog tags console images with the version.</summary>
    public static string ForVersion(string image, string version) => $"{Repository(image)}:{version}";

    /// <summary>
    /// The image to run instead of <paramref name="wanted"/> when nothing holds it: a held image of the same repository
    /// with another tag (the highest, ordinally, when several), or null (then the wanted image is pulled as before).
    /// </summary>
    public static string? Kept(string wanted, IEnumerable<string> held)
    {
        var all = held.ToList();
        if (all.Contains(wanted, StringComparer.Ordinal))
        {
            return null;
        }
        var repository = Repository(wanted);
        return all.Where(i => Repository(i) == repository).Order(StringComparer.Ordinal).LastOrDefault();
    }

    /// <summary>
    /// Where `ros os upgrade -i REFERENCE --upgrade-console` pulls the new console image from: the registry and path of
    /// the OS image, the console image's last name, the new version's tag
    /// (`reg:5000/corralos/os:2` and `corralos/os-console-debian:2` give `reg:5000/corralos/os-console-debian:2`).
    /// </summary>
    public static string PullSource(string osImageReference, string consoleImage)
    {
        var osRepository = Repository(osImageReference);
        var slash = osRepository.LastIndexOf('/');
        var prefix = slash < 0 ? "" : osRepository[..(slash + 1)];
        var repository = Repository(consoleImage);
        return $"{prefix}{repository[(repository.LastIndexOf('/') + 1)..]}:{Tag(consoleImage)}";
    }

    /// <summary>The named volumes of <paramref name="console"/> mounted at <see cref="ReplacedMounts"/> (bind mounts are never touched).</summary>
    public static IReadOnlyList<string> ReplacedVolumes(ServiceDefinition console) =>
        console.Volumes
            .Select(v => v.Split(':'))
            .Where(parts => parts.Length >= 2 && !parts[0].StartsWith('/') && !parts[0].StartsWith('.') && ReplacedMounts.Contains(parts[1].TrimEnd('/')))
            .Select(parts => parts[0])
            .ToList();

    /// <summary>The console image an upgrade marked for its first boot, or null (no marker under <paramref name="root"/>).</summary>
    public static string? ReadUpgradeMarker(string root)
    {
        var path = MarkerPath(root);
        return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } image ? image : null : null;
    }

    /// <summary>Marks <paramref name="image"/> for its first boot (replaced whole, durably).</summary>
    public static void WriteUpgradeMarker(string root, string image) => Linux.AtomicFile.Write(MarkerPath(root), image + "\n");

    public static void RemoveUpgradeMarker(string root)
    {
        if (File.Exists(MarkerPath(root)))
        {
            File.Delete(MarkerPath(root));
        }
    }

    private static string MarkerPath(string root) => Path.Combine(root, UpgradeMarker.TrimStart('/'));
}
