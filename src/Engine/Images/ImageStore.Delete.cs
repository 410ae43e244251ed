namespace CorralOS.Engine.Images;

public sealed partial class ImageStore
{
    /// <summary>Which containers use an image (a running one, any one), by image ID; set by the engine that owns containers.</summary>
    public Func<string, (string? Running, string? Any)>? InUse { get; set; }

    /// <summary>
    /// `docker rmi`, with Docker's rules: by reference it untags, and deletes the image only when that was its last
    /// reference; by ID it deletes the image with all its references, but refuses (409, unless force) when they span
    /// several repositories. Layers no other image uses go with it.
    /// </summary>
    public IReadOnlyList<ImageDeletion> Delete(string name, bool force)
    {
        lock (_gate)
        {
            var id = ResolveId(name);
            var records = new List<ImageDeletion>();
            var refs = CopyRefs();
            var mine = refs.Refs.Where(r => r.Value == id).Select(r => ImageReference.Parse(r.Key)).ToList();
            var prefix = name.StartsWith("sha256:", StringComparison.Ordinal) ? name[7..] : name;
            var byId = id.AsSpan(7).StartsWith(prefix, StringComparison.Ordinal);

            if (!byId)
            {
                var reference = ImageReference.Parse(name).WithDefaultTag();
                Untag(refs, reference, records);
                mine.Remove(reference);
                // A removed tag takes the repository's digest references along when no other tag of it is left.
                if (reference.Digest is null && !mine.Any(r => r.Digest is null && r.Name == reference.Name))
                {
                    foreach (var digestRef in mine.Where(r => r.Name == reference.Name).ToList())
                    {
                        Untag(refs, digestRef, records);
                        mine.Remove(digestRef);
                    }
                }
                if (mine.Count > 0)
                {
                    SaveRefs(refs);
                    return records;
                }
            }
            else
            {
                var single = mine.Count(r => r.Digest is null) <= 1 && mine.Select(r => r.Name).Distinct().Count() <= 1;
                if (!single && !force)
                {
                    throw new ConflictException($"conflict: unable to delete {id[7..19]} (must be forced) - image is referenced in multiple repositories");
                }
                foreach (var reference in mine)
                {
                    Untag(refs, reference, records);
                }
            }
            // Containers: a running one blocks even with force, a stopped one without it; forced, the image loses its
            // references but stays, because the stopped container still needs its layers.
            var (running, any) = InUse?.Invoke(id) ?? (null, null);
            if (running is not null)
            {
                throw new ConflictException($"conflict: unable to delete {id[7..19]} (cannot be forced) - image is being used by running container {running[..12]}");
            }
            if (any is not null && !force)
            {
                throw new ConflictException($"conflict: unable to delete {id[7..19]} (must be forced) - image is being used by stopped container {any[..12]}");
            }
            SaveRefs(refs);
            if (any is null)
            {
                RemoveImage(id, records);
            }
            return records;
        }
    }

    private static void Untag(ReferenceIndex refs, ImageReference reference, List<ImageDeletion> records)
    {
        refs.Refs.Remove(reference.ToString());
        refs.TagTimes.Remove(reference.ToString());
        records.Add(new ImageDeletion(reference.Familiar, null));
    }

    // Record first (the image disappears whole), then what only it used; a crash in between leaves garbage that
    // start-up collects. Layer directories move to tmp/ before deletion so no half-deleted layer is ever reused.
    private void RemoveImage(string id, List<ImageDeletion> records)
    {
        var (record, _) = _images[id];
        File.Delete(Layout.ImageFile(record.Digest));
        _images.Remove(id);
        records.Add(new ImageDeletion(null, id));

        var stillUsed = _images.Values.SelectMany(i => i.Record.Layers).ToList();
        foreach (var layer in record.Layers)
        {
            if (stillUsed.Any(l => l.DiffId == layer.DiffId) || !_layerSizes.Remove(layer.DiffId))
            {
                continue;
            }
            var dir = Layout.Layer(Digest.Parse(layer.DiffId));
            var doomed = Path.Combine(Layout.Temp, $"delete-{Guid.NewGuid():N}");
            Directory.Move(dir, doomed);
            // A linked layer (ImageStore.Link) is a symlink: only the link goes.
            DeleteEntry(doomed);
            records.Add(new ImageDeletion(null, layer.DiffId));
        }
        foreach (var layer in record.Layers.Where(l => !stillUsed.Any(u => u.Blob == l.Blob)))
        {
            File.Delete(Layout.Blob(Digest.Parse(layer.Blob)));
        }
        File.Delete(Layout.Blob(record.Digest));
    }
}
