using System.Diagnostics;
using System.Formats.Tar;
using System.Text.Json;
using CorralOS.Engine.Client;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// Which system image archive of the initrd (/usr/share/ros/images, build/images.sh) holds which image, from each
/// archive's manifest.json RepoTags: reading it skips over the layer blobs, so indexing costs a few reads. PID 1 loads
/// an archive into System Docker only when a service needs an image the engine does not have yet, so a boot pays only
/// for the images its services use (the docker image is most of the bytes, and only User Docker needs it).
/// </summary>
public sealed class SystemImageIndex
{
    private readonly Dictionary<string, string> _archiveOf;

    private SystemImageIndex(Dictionary<string, string> archiveOf) => _archiveOf = archiveOf;

    /// <summary>The images the folder's *.tar archives hold, and where; an archive without a readable manifest is skipped.</summary>
    public static SystemImageIndex Read(string folder, Action<string>? problem = null)
    {
        var archiveOf = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var archive in Directory.GetFiles(folder, "*.tar").Order(StringComparer.Ordinal))
            {
                try
                {
                    foreach (var tag in RepoTags(archive))
                    {
                        archiveOf.TryAdd(tag, archive);
                    }
                }
                catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
                {
                    problem?.Invoke($"{archive}: {e.Message}");
                }
            }
        }
        return new SystemImageIndex(archiveOf);
    }

    public IReadOnlyCollection<string> Images => _archiveOf.Keys;

    public string? ArchiveOf(string image) => _archiveOf.GetValueOrDefault(image);

    /// <summary>
    /// Loads the archive of each image in <paramref name="images"/> that the engine lacks and an archive holds (each
    /// archive once); returns the images loaded. An image no archive holds is left to the caller (a pull).
    /// </summary>
    public async Task<IReadOnlyList<string>> LoadMissingAsync(EngineClient engine, IEnumerable<string> images, Action<string> log, CancellationToken cancellationToken)
    {
        var loaded = new List<string>();
        var archives = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in images.Distinct(StringComparer.Ordinal))
        {
            if (ArchiveOf(image) is not { } archive || archives.Contains(archive)
                || await engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }
            archives.Add(archive);
            var clock = Stopwatch.StartNew();
            await using (var input = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                await engine.LoadImageAsync(input, cancellationToken).ConfigureAwait(false);
            }
            log($"loaded {image} from {Path.GetFileName(archive)} in {clock.ElapsedMilliseconds} ms");
            loaded.Add(image);
        }
        return loaded;
    }

    private static List<string> RepoTags(string archive)
    {
        using var input = File.OpenRead(archive);
        using var reader = new TarReader(input);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name is "manifest.json" or "./manifest.json" && entry.DataStream is { } data)
            {
                using var manifest = JsonDocument.Parse(data);
                return manifest.RootElement.EnumerateArray()
                    .Where(m => m.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array)
                    .SelectMany(m => m.GetProperty("RepoTags").EnumerateArray())
                    .Select(t => t.GetString())
                    .OfType<string>()
                    .ToList();
            }
        }
        throw new InvalidDataException("no manifest.json");
    }
}
