namespace CorralOS.Engine.Images;

public sealed partial class ImageStore
{
    /// <summary>
    /// Whether the store holds this layer as this blob: some image pairs the two (so the blob was verified to
    /// decompress to the diff_id) and both are on disk. A pull then need not download the blob again.
    /// </summary>
    public LayerBlob? FindLayerBlob(Digest diffId, Digest blob)
    {
        lock (_gate)
        {
            var (d, b) = (diffId.ToString(), blob.ToString());
            var found = _images.Values.SelectMany(i => i.Record.Layers).FirstOrDefault(l => l.DiffId == d && l.Blob == b);
            return found is not null && _layerSizes.ContainsKey(d) && File.Exists(Layout.Blob(blob)) ? found : null;
        }
    }

    /// <summary>The image ID a tag or digest reference names, or null.</summary>
    public string? ReferenceTarget(ImageReference reference)
    {
        lock (_gate)
        {
            return _refs.Refs.GetValueOrDefault(reference.ToString());
        }
    }

    /// <summary>Records NAME@DIGEST for an image (after a push, the manifest's digest in that repository).</summary>
    public void AddDigestReference(ImageReference reference, string id)
    {
        if (reference.Digest is null || reference.Tag is not null)
        {
            throw new InvalidArgumentException($"not a digest reference: {reference}");
        }
        lock (_gate)
        {
            if (!_images.ContainsKey(id) || _refs.Refs.GetValueOrDefault(reference.ToString()) == id)
            {
                return;
            }
            var refs = CopyRefs();
            refs.Refs[reference.ToString()] = id;
            SaveRefs(refs);
        }
    }
}
