using CorralOS.Engine;
using CorralOS.Engine.Images;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// Loads the preload folder's image archives into System Docker's store at boot, once each (RancherOS's rule: `.tar`,
/// `.tgz`, `.gz`; a `FILE.done` stamp after a load; a file already ending in `.done` is a stamp, never an archive).
/// The initrd's system images are loaded on demand instead (<see cref="SystemImageIndex"/>).
/// </summary>
public sealed class ImageArchives(ImageStore store)
{
    private static readonly string[] s_archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".gz"];

    /// <summary>Loads the preload folder's new archives; a failure is reported and the rest still load.</summary>
    public IReadOnlyList<string> Preload(string folder, Action<string> problem, CancellationToken cancellationToken)
    {
        var loaded = new List<string>();
        if (!Directory.Exists(folder))
        {
            return loaded;
        }
        foreach (var archive in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            if (!IsArchiveName(archive) || File.Exists(archive + ".done"))
            {
                continue;
            }
            try
            {
                loaded.AddRange(Load(archive, cancellationToken));
                File.WriteAllText(archive + ".done", "");
            }
            catch (Exception e) when (e is EngineException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problem($"{archive}: {e.Message}");
            }
        }
        return loaded;
    }

    private static bool IsArchiveName(string path) =>
        !path.EndsWith(".done", StringComparison.Ordinal) && s_archiveSuffixes.Any(s => path.EndsWith(s, StringComparison.Ordinal));

    private IEnumerable<string> Load(string archive, CancellationToken cancellationToken)
    {
        using var input = File.OpenRead(archive);
        var result = new ImageLoader(store).Load(input, cancellationToken);
        const string Prefix = "Loaded image: ";
        return result.Lines.Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).Select(l => l[Prefix.Length..]);
    }
}
