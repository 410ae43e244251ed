using System.Text.Json;

namespace CorralOS.Engine.Images;

/// <summary>
/// The image store: images, their references and layers, kept on disk under <see cref="StoreLayout"/> and
/// in memory for queries. Every change holds one lock and writes its files atomically before the in-memory view
/// changes, so what the API shows is always on disk in full.
/// </summary>
public sealed partial class ImageStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ImageRecord Record, ImageConfig Config)> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _layerSizes = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];
    private ReferenceIndex _refs = new();

    private ImageStore(StoreLayout layout) => Layout = layout;

    public StoreLayout Layout { get; }

    /// <summary>Opens (or creates) the store: empties tmp/, reads every image, drops what a crash left unreferenced.</summary>
    public static ImageStore Open(StoreLayout layout)
    {
        layout.Create();
        foreach (var leftover in Directory.EnumerateFileSystemEntries(layout.Temp))
        {
            DeleteEntry(leftover);
        }
        var store = new ImageStore(layout);
        store.ReadAll();
        return store;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _images.Count;
            }
        }
    }

    public IReadOnlyList<StoredImage> List()
    {
        lock (_gate)
        {
            return _images.Keys.Select(Describe).OrderByDescending(i => i.Config.Created).ToList();
        }
    }

    /// <summary>
    /// Where an image this store lacks may be linked from (<see cref="Link"/>): given the name asked for, a read-only
    /// store holding it, or null. PID 1 sets it to the system images file, mounted on first use.
    /// </summary>
    public Func<string, StoreLayout?>? LinkSource { get; set; }

    /// <summary>
    /// Finds an image as Docker does: full ID, then a tag or digest reference (":latest" implied), then a unique ID
    /// prefix; else links it from <see cref="LinkSource"/> when that holds it.
    /// </summary>
    public StoredImage Get(string name)
    {
        lock (_gate)
        {
            if (TryResolveId(name) is { } id)
            {
                return Describe(id);
            }
        }
        // Outside the lock: finding the source may mount a disk.
        return LinkSource?.Invoke(name) is { } source ? Link(source, name) : throw new NotFoundException($"No such image: {name}");
    }

    /// <summary>The image with this full ID, or null.</summary>
    public StoredImage? TryGetById(string id)
    {
        lock (_gate)
        {
            return _images.ContainsKey(id) ? Describe(id) : null;
        }
    }

    public bool HasLayer(Digest diffId)
    {
        lock (_gate)
        {
            return _layerSizes.ContainsKey(diffId.ToString());
        }
    }

    public long LayerSize(string diffId)
    {
        lock (_gate)
        {
            return _layerSizes.GetValueOrDefault(diffId);
        }
    }

    /// <summary>Adds a tag. The reference moves if it named another image (which may become dangling).</summary>
    public void Tag(string source, ImageReference target)
    {
        if (target.Digest is not null || target.Tag is null)
        {
            throw new InvalidArgumentException($"refusing to create a tag with a digest reference: {target.Familiar}");
        }
        lock (_gate)
        {
            var id = ResolveId(source);
            var refs = CopyRefs();
            refs.Refs[target.ToString()] = id;
            refs.TagTimes[target.ToString()] = DateTimeOffset.UtcNow;
            SaveRefs(refs);
        }
    }

    private string ResolveId(string name) => TryResolveId(name) ?? throw new NotFoundException($"No such image: {name}");

    private string? TryResolveId(string name)
    {
        if (Digest.TryParse(name, out var full) && _images.ContainsKey(full.ToString()))
        {
            return full.ToString();
        }
        if (ImageReference.TryParse(name, out var reference) && _refs.Refs.TryGetValue(reference!.WithDefaultTag().ToString(), out var byRef))
        {
            return byRef;
        }
        var prefix = name.StartsWith("sha256:", StringComparison.Ordinal) ? name[7..] : name;
        if (prefix.Length > 0 && prefix.Length <= 64 && prefix.All(char.IsAsciiHexDigitLower))
        {
            var matches = _images.Keys.Where(id => id.AsSpan(7).StartsWith(prefix, StringComparison.Ordinal)).Take(2).ToList();
            if (matches.Count == 2)
            {
                throw new InvalidArgumentException($"multiple IDs found with provided prefix: {prefix}");
            }
            if (matches.Count == 1)
            {
                return matches[0];
            }
        }
        return null;
    }

    private StoredImage Describe(string id)
    {
        var (record, config) = _images[id];
        var tags = new List<ImageReference>();
        var digests = new List<ImageReference>();
        DateTimeOffset? lastTag = null;
        foreach (var (text, target) in _refs.Refs)
        {
            if (target != id)
            {
                continue;
            }
            var reference = ImageReference.Parse(text);
            (reference.Digest is null ? tags : digests).Add(reference);
            if (_refs.TagTimes.TryGetValue(text, out var time) && (lastTag is null || time > lastTag))
            {
                lastTag = time;
            }
        }
        tags.Sort((a, b) => string.CompareOrdinal(a.Familiar, b.Familiar));
        var size = record.Layers.Sum(l => _layerSizes.GetValueOrDefault(l.DiffId));
        return new StoredImage(record, config, tags, digests, size, lastTag);
    }

    private ReferenceIndex CopyRefs() => new()
    {
        Refs = new Dictionary<string, string>(_refs.Refs, StringComparer.Ordinal),
        TagTimes = new Dictionary<string, DateTimeOffset>(_refs.TagTimes, StringComparer.Ordinal),
    };

    // Disk first, then memory: a failed write leaves the old view.
    private void SaveRefs(ReferenceIndex refs)
    {
        CorralOS.Linux.AtomicFile.Write(Layout.Repositories, JsonSerializer.SerializeToUtf8Bytes(refs, StoreJson.Default.ReferenceIndex));
        _refs = refs;
    }

    /// <summary>What start-up found broken and set aside (the daemon logs these); the store itself stays usable.</summary>
    public IReadOnlyList<string> Problems => _problems;

    // A damaged record must not keep the engine from starting (in the OS it is PID 1): it is dropped and reported.
    private void ReadAll()
    {
        foreach (var file in Directory.EnumerateFiles(Layout.Images, "*.json"))
        {
            try
            {
                ReadImage(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException or EngineException)
            {
                _problems.Add($"image record {Path.GetFileName(file)} is damaged and was removed: {e.Message}");
                File.Delete(file);
            }
        }
        if (File.Exists(Layout.Repositories))
        {
            try
            {
                _refs = JsonSerializer.Deserialize(File.ReadAllBytes(Layout.Repositories), StoreJson.Default.ReferenceIndex) ?? new ReferenceIndex();
            }
            catch (JsonException e)
            {
                var aside = $"{Layout.Repositories}.damaged-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
                File.Move(Layout.Repositories, aside);
                _problems.Add($"{Layout.Repositories} is damaged ({e.Message}); moved to {aside}, images are untagged");
            }
        }
        var stale = _refs.Refs.Where(r => !_images.ContainsKey(r.Value)).Select(r => r.Key).ToList();
        if (stale.Count > 0)
        {
            var refs = CopyRefs();
            stale.ForEach(key => refs.Refs.Remove(key));
            SaveRefs(refs);
        }
        CollectGarbage();
    }

    private void ReadImage(string file)
    {
        var image = ReadOnDisk(Layout, file);
        _images[image.Record.Id] = (image.Record, image.Config);
        foreach (var (diffId, size) in image.LayerSizes)
        {
            _layerSizes[diffId] = size;
        }
    }

    /// <summary>One image as a store keeps it (this one, or the store <see cref="Link"/> reads): its record, its config checked against its digest, its layers' sizes.</summary>
    private sealed record ImageOnDisk(ImageRecord Record, byte[] ConfigBytes, ImageConfig Config, IReadOnlyDictionary<string, long> LayerSizes);

    /// <exception cref="InvalidDataException">The record, its config or a layer is damaged.</exception>
    private static ImageOnDisk ReadOnDisk(StoreLayout layout, string recordFile)
    {
        var record = JsonSerializer.Deserialize(File.ReadAllBytes(recordFile), StoreJson.Default.ImageRecord)
            ?? throw new InvalidDataException("empty record");
        if (Path.GetFileName(recordFile) != record.Digest.Hex + ".json")
        {
            throw new InvalidDataException($"it names image {record.Id}");
        }
        var configBytes = File.ReadAllBytes(layout.Blob(record.Digest));
        if (Digest.Of(configBytes) != record.Digest)
        {
            throw new InvalidDataException("its config blob does not match its digest");
        }
        var config = JsonSerializer.Deserialize(configBytes, StoreJson.Default.ImageConfig)
            ?? throw new InvalidDataException("empty config");
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var layer in record.Layers)
        {
            var info = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(layout.Layer(Digest.Parse(layer.DiffId)), "layer.json")), StoreJson.Default.LayerInfo);
            sizes[layer.DiffId] = info?.Size ?? 0;
        }
        return new ImageOnDisk(record, configBytes, config, sizes);
    }

    // Blobs and layers that no image names: what a crash between rename steps, or a delete, left behind.
    private void CollectGarbage()
    {
        var blobs = new HashSet<string>(StringComparer.Ordinal);
        var layers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (record, _) in _images.Values)
        {
            blobs.Add(record.Digest.Hex);
            foreach (var layer in record.Layers)
            {
                blobs.Add(Digest.Parse(layer.Blob).Hex);
                layers.Add(Digest.Parse(layer.DiffId).Hex);
            }
        }
        foreach (var blob in Directory.EnumerateFileSystemEntries(Layout.Blobs))
        {
            if (!blobs.Contains(Path.GetFileName(blob)))
            {
                DeleteEntry(blob);
            }
        }
        foreach (var layer in Directory.EnumerateFileSystemEntries(Layout.Layers))
        {
            if (!layers.Contains(Path.GetFileName(layer)))
            {
                DeleteEntry(layer);
                _layerSizes.Remove("sha256:" + Path.GetFileName(layer));
            }
        }
    }

    private static void DeleteEntry(string path)
    {
        if (Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }
}
