using System.Text.Json;

namespace CorralOS.Engine.Images;

public sealed partial class ImageStore
{
    /// <summary>
    /// Makes <paramref name="name"/>, an image of another store that is only read (CorralOS's system images file, an
    /// erofs of extracted on-demand images mounted from a disk; build/initrd.sh), visible here without copying it:
    /// each layer this store lacks becomes a symlink to that store's layer directory, which the overlay lowerdir
    /// follows; only the config and the record are copied. Such an image has no layer blobs (as the initrd's): it
    /// runs, lists and inspects like any other, but cannot be saved or pushed. Removing it removes the links only.
    /// </summary>
    /// <exception cref="NotFoundException">The other store has no such image.</exception>
    /// <exception cref="InvalidDataException">The other store is damaged (its config does not match its digest, a layer is missing).</exception>
    public StoredImage Link(StoreLayout source, string name)
    {
        var sourceRefs = JsonSerializer.Deserialize(File.ReadAllBytes(source.Repositories), StoreJson.Default.ReferenceIndex)
            ?? throw new InvalidDataException($"{source.Repositories} is empty");
        var key = ImageReference.Parse(name).WithDefaultTag().ToString();
        if (!sourceRefs.Refs.TryGetValue(key, out var id))
        {
            throw new NotFoundException($"No such image: {name} (not in {source.DataRoot})");
        }
        var digest = Digest.Parse(id);
        ImageOnDisk image;
        try
        {
            image = ReadOnDisk(source, source.ImageFile(digest));
        }
        catch (Exception e) when (e is IOException or JsonException or FormatException)
        {
            throw new InvalidDataException($"{name} in {source.DataRoot}: {e.Message}", e);
        }
        var (record, config, sizes) = (image.Record, image.Config, image.LayerSizes);
        if (record.Layers.Select(l => source.LayerDiff(Digest.Parse(l.DiffId))).FirstOrDefault(d => !Directory.Exists(d)) is { } missing)
        {
            throw new InvalidDataException($"{missing} is missing");
        }

        lock (_gate)
        {
            foreach (var (diffId, size) in sizes.Where(s => !_layerSizes.ContainsKey(s.Key)))
            {
                var link = Layout.Layer(Digest.Parse(diffId));
                if (Directory.Exists(link) || File.Exists(link))
                {
                    DeleteEntry(link);
                }
                Directory.CreateSymbolicLink(link, source.Layer(Digest.Parse(diffId)));
                _layerSizes[diffId] = size;
            }
            if (!File.Exists(Layout.Blob(digest)))
            {
                CorralOS.Linux.AtomicFile.Write(Layout.Blob(digest), image.ConfigBytes);
            }
            if (!_images.ContainsKey(id))
            {
                CorralOS.Linux.AtomicFile.Write(Layout.ImageFile(digest), JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Default.ImageRecord));
                _images[id] = (record, config);
            }
            var refs = CopyRefs();
            foreach (var (reference, target) in sourceRefs.Refs.Where(r => r.Value == id))
            {
                refs.Refs[reference] = id;
                refs.TagTimes[reference] = sourceRefs.TagTimes.GetValueOrDefault(reference, record.Loaded);
            }
            SaveRefs(refs);
            return Describe(id);
        }
    }
}
