using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Pipelines;
using System.Text.Json;
using CorralOS.Engine.Client;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// Which system image archives a folder holds, and where: the images staged on the state disk (/var/lib/rancher/images,
/// a console's or engine's) and any archive in /usr/share/ros/images. An image is kept as a `docker save` archive
/// (<c>*.tar</c>) or as its manifest (<c>NAME.json</c>) over one shared <c>blobs/sha256</c> folder, so a shared base
/// layer is stored once. PID 1 loads an image into System Docker only when a service needs one the engine does not
/// have yet. (The large on-demand images are in the system images file instead, <see cref="SystemImagesFile"/>.)
/// </summary>
public sealed class SystemImageIndex
{
    private readonly Dictionary<string, ImageSource> _sourceOf;

    private SystemImageIndex(Dictionary<string, ImageSource> sourceOf) => _sourceOf = sourceOf;

    /// <summary>The images the folder's manifests and archives hold; one that cannot be read is skipped.</summary>
    public static SystemImageIndex Read(string folder, Action<string>? problem = null) => Read([folder], problem);

    /// <summary>The images of several folders; an image two folders hold comes from the first.</summary>
    public static SystemImageIndex Read(IEnumerable<string> folders, Action<string>? problem = null)
    {
        var sourceOf = new Dictionary<string, ImageSource>(StringComparer.Ordinal);
        foreach (var folder in folders.Where(Directory.Exists))
        {
            var files = Directory.GetFiles(folder, "*.json").Concat(Directory.GetFiles(folder, "*.tar")).Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                try
                {
                    var source = file.EndsWith(".json", StringComparison.Ordinal)
                        ? new ImageSource(file, Manifest: true)
                        : new ImageSource(file, Manifest: false);
                    foreach (var tag in source.Manifest ? RepoTags(File.ReadAllBytes(file)) : ArchiveRepoTags(file))
                    {
                        sourceOf.TryAdd(tag, source);
                    }
                }
                catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
                {
                    problem?.Invoke($"{file}: {e.Message}");
                }
            }
        }
        return new SystemImageIndex(sourceOf);
    }

    public IReadOnlyCollection<string> Images => _sourceOf.Keys;

    /// <summary>The manifest or archive that holds <paramref name="image"/>, or null.</summary>
    public string? ArchiveOf(string image) => _sourceOf.GetValueOrDefault(image)?.Path;

    /// <summary>
    /// Loads each image in <paramref name="images"/> that the engine lacks and the index holds (each source once);
    /// returns the images loaded. An image the index does not hold is left to the caller (a pull).
    /// </summary>
    public async Task<IReadOnlyList<string>> LoadMissingAsync(EngineClient engine, IEnumerable<string> images, Action<string> log, CancellationToken cancellationToken)
    {
        var loaded = new List<string>();
        var sources = new HashSet<ImageSource>();
        foreach (var image in images.Distinct(StringComparer.Ordinal))
        {
            if (_sourceOf.GetValueOrDefault(image) is not { } source || !sources.Add(source)
                || await engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }
            await LoadAsync(engine, image, source, log, cancellationToken).ConfigureAwait(false);
            loaded.Add(image);
        }
        return loaded;
    }

    /// <summary>Loads the manifest or archive that holds <paramref name="image"/> (which the index must hold).</summary>
    public Task LoadAsync(EngineClient engine, string image, Action<string> log, CancellationToken cancellationToken) =>
        LoadAsync(engine, image, _sourceOf[image], log, cancellationToken);

    private static async Task LoadAsync(EngineClient engine, string image, ImageSource source, Action<string> log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (source.Manifest)
        {
            // The engine reads a docker save archive: compose it from the manifest and the shared blobs as it is read.
            var pipe = new Pipe();
            var writing = WriteArchiveAsync(source.Path, pipe.Writer.AsStream(), cancellationToken);
            await using (var input = pipe.Reader.AsStream())
            {
                await engine.LoadImageAsync(input, cancellationToken).ConfigureAwait(false);
            }
            await writing.ConfigureAwait(false);
        }
        else
        {
            await using var input = new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await engine.LoadImageAsync(input, cancellationToken).ConfigureAwait(false);
        }
        log($"loaded {image} from {Path.GetFileName(source.Path)} in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// Writes the `docker save` archive of a manifest kept beside its blobs: manifest.json, then the config and layer
    /// blobs it names (paths relative to the manifest's folder, as in the archive it came from). Closes <paramref name="output"/>.
    /// </summary>
    public static async Task WriteArchiveAsync(string manifestPath, Stream output, CancellationToken cancellationToken)
    {
        await using (output)
        {
            var folder = Path.GetDirectoryName(manifestPath)!;
            var manifest = await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false);
            await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = new MemoryStream(manifest) };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            foreach (var blob in BlobPaths(manifest).Distinct(StringComparer.Ordinal))
            {
                var full = Path.GetFullPath(Path.Combine(folder, blob));
                if (!full.StartsWith(Path.GetFullPath(folder) + "/", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{manifestPath}: {blob} is outside {folder}");
                }
                await writer.WriteEntryAsync(full, blob, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static IEnumerable<string> BlobPaths(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        var paths = new List<string>();
        foreach (var image in document.RootElement.EnumerateArray())
        {
            paths.Add(image.GetProperty("Config").GetString() ?? throw new InvalidDataException("a manifest entry has no Config"));
            paths.AddRange(image.GetProperty("Layers").EnumerateArray().Select(l => l.GetString() ?? throw new InvalidDataException("a layer path is not a string")));
        }
        return paths;
    }

    private static List<string> ArchiveRepoTags(string archive)
    {
        using var input = File.OpenRead(archive);
        using var reader = new TarReader(input);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name is "manifest.json" or "./manifest.json" && entry.DataStream is { } data)
            {
                using var copy = new MemoryStream();
                data.CopyTo(copy);
                return RepoTags(copy.ToArray());
            }
        }
        throw new InvalidDataException("no manifest.json");
    }

    private static List<string> RepoTags(byte[] manifest)
    {
        using var document = JsonDocument.Parse(manifest);
        return document.RootElement.EnumerateArray()
            .Where(m => m.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array)
            .SelectMany(m => m.GetProperty("RepoTags").EnumerateArray())
            .Select(t => t.GetString())
            .OfType<string>()
            .ToList();
    }

    private sealed record ImageSource(string Path, bool Manifest);
}
