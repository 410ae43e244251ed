using System.Text.Json;

namespace CorralOS.Engine.Images;

public sealed partial class ImageStore
{
    /// <summary>
    /// Makes a verified image visible. Order matters for crashes: blobs and layers are renamed in first (unreferenced
    /// ones are collected at start-up), the image record next (the image appears whole), its tags last.
    /// Returns Docker's notes about tags taken from other images.
    /// </summary>
    public IReadOnlyList<string> Commit(StagedImage image)
    {
        lock (_gate)
        {
            foreach (var layer in image.Layers)
            {
                var blob = Layout.Blob(layer.Blob);
                if (!File.Exists(blob))
                {
                    File.Move(layer.BlobFile, blob);
                }
                var dir = Layout.Layer(layer.DiffId);
                if (!Directory.Exists(dir))
                {
                    if (layer.ExtractedDir is null)
                    {
                        throw new ConflictException($"layer {layer.DiffId} was removed while the image loaded; load it again");
                    }
                    Directory.Move(layer.ExtractedDir, dir);
                }
                _layerSizes[layer.DiffId.ToString()] = layer.Size;
            }
            var config = Layout.Blob(image.Id);
            if (!File.Exists(config))
            {
                CorralOS.Linux.AtomicFile.Write(config, image.ConfigBytes);
            }
            var id = image.Id.ToString();
            if (!_images.ContainsKey(id))
            {
                var record = new ImageRecord
                {
                    Id = id,
                    Layers = image.Layers.Select(l => new LayerBlob { DiffId = l.DiffId.ToString(), Blob = l.Blob.ToString(), MediaType = l.MediaType, BlobSize = l.BlobSize }).ToList(),
                    Loaded = DateTimeOffset.UtcNow,
                };
                CorralOS.Linux.AtomicFile.Write(Layout.ImageFile(image.Id), JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Default.ImageRecord));
                _images[id] = (record, image.Config);
            }

            var notes = new List<string>();
            var refs = CopyRefs();
            foreach (var tag in image.Tags)
            {
                var key = tag.ToString();
                if (refs.Refs.TryGetValue(key, out var previous) && previous != id)
                {
                    notes.Add($"The image {tag.Familiar} already exists, renaming the old one with ID {previous} to empty string");
                }
                refs.Refs[key] = id;
                refs.TagTimes[key] = DateTimeOffset.UtcNow;
            }
            SaveRefs(refs);
            return notes;
        }
    }
}
