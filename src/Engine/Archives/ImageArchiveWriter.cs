using System.Formats.Tar;
using System.Text.Json;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Archives;

/// <summary>
/// Writes images as Docker 25+ does for `docker save`: an OCI image layout (oci-layout, index.json, blobs/sha256/)
/// that also carries manifest.json, so both new and old `docker load` read it. Layers are written as they were
/// received (plain or gzip), which keeps their blob digests.
/// </summary>
public sealed class ImageArchiveWriter(StoreLayout layout)
{
    private static readonly DateTimeOffset s_epoch = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Throws <see cref="ConflictException"/> when a blob the archive needs is not kept (a system image shipped
    /// extracted): called before the response starts, so the client gets the reason instead of a cut stream.
    /// </summary>
    public void RequireBlobs(IEnumerable<(StoredImage Image, ImageReference? Tag)> images)
    {
        foreach (var (image, _) in images)
        {
            foreach (var blob in image.Record.Layers.Select(l => Digest.Parse(l.Blob)).Prepend(image.Digest))
            {
                StoreLayout.RequireBlob(blob, layout.Blob(blob));
            }
        }
    }

    public void Write(Stream output, IReadOnlyList<(StoredImage Image, ImageReference? Tag)> images)
    {
        using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var written = new HashSet<string>(StringComparer.Ordinal);
        AddDirectory(tar, "blobs/");
        AddDirectory(tar, "blobs/sha256/");

        var index = new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = [] };
        var saveEntries = new List<DockerSaveEntry>();
        foreach (var group in images.GroupBy(i => i.Image.Id, StringComparer.Ordinal))
        {
            var image = group.First().Image;
            var tags = group.Select(g => g.Tag).OfType<ImageReference>().ToList();
            AddBlobFile(tar, written, image.Digest, layout.Blob(image.Digest));
            foreach (var layer in image.Record.Layers)
            {
                var blob = Digest.Parse(layer.Blob);
                AddBlobFile(tar, written, blob, layout.Blob(blob));
            }

            var manifest = new ImageManifest
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = image.Id, Size = new FileInfo(layout.Blob(image.Digest)).Length },
                Layers = image.Record.Layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Blob, Size = l.BlobSize }).ToList(),
            };
            var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, StoreJson.Default.ImageManifest);
            var manifestDigest = Digest.Of(manifestBytes);
            AddBlobBytes(tar, written, manifestDigest, manifestBytes);

            Descriptor ManifestDescriptor(Dictionary<string, string>? annotations) =>
                new() { MediaType = MediaTypes.OciManifest, Digest = manifestDigest.ToString(), Size = manifestBytes.Length, Annotations = annotations };
            if (tags.Count == 0)
            {
                index.Manifests.Add(ManifestDescriptor(null));
            }
            foreach (var tag in tags)
            {
                index.Manifests.Add(ManifestDescriptor(new Dictionary<string, string>
                {
                    ["io.containerd.image.name"] = tag.ToString(),
                    ["org.opencontainers.image.ref.name"] = tag.Tag!,
                }));
            }
            saveEntries.Add(new DockerSaveEntry
            {
                Config = BlobName(image.Digest),
                RepoTags = tags.Select(t => t.Familiar).ToList(),
                Layers = image.Record.Layers.Select(l => BlobName(Digest.Parse(l.Blob))).ToList(),
            });
        }

        AddFile(tar, "index.json", JsonSerializer.SerializeToUtf8Bytes(index, StoreJson.Default.ImageIndex));
        AddFile(tar, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(saveEntries, StoreJson.Default.ListDockerSaveEntry));
        AddFile(tar, "oci-layout", JsonSerializer.SerializeToUtf8Bytes(new OciLayoutFile { ImageLayoutVersion = "1.0.0" }, StoreJson.Default.OciLayoutFile));
    }

    private static string BlobName(Digest digest) => $"blobs/sha256/{digest.Hex}";

    private static void AddBlobFile(TarWriter tar, HashSet<string> written, Digest digest, string path)
    {
        if (!written.Add(digest.Hex))
        {
            return;
        }
        StoreLayout.RequireBlob(digest, path);
        using var data = File.OpenRead(path);
        tar.WriteEntry(Entry(TarEntryType.RegularFile, BlobName(digest), data));
    }

    private static void AddBlobBytes(TarWriter tar, HashSet<string> written, Digest digest, byte[] bytes)
    {
        if (written.Add(digest.Hex))
        {
            AddFile(tar, BlobName(digest), bytes);
        }
    }

    private static void AddFile(TarWriter tar, string name, byte[] bytes)
    {
        using var data = new MemoryStream(bytes);
        tar.WriteEntry(Entry(TarEntryType.RegularFile, name, data));
    }

    private static void AddDirectory(TarWriter tar, string name) => tar.WriteEntry(Entry(TarEntryType.Directory, name, null));

    private static PaxTarEntry Entry(TarEntryType type, string name, Stream? data)
    {
        var entry = new PaxTarEntry(type, name) { ModificationTime = s_epoch, Mode = ModeFor(type) };
        if (data is not null)
        {
            entry.DataStream = data;
        }
        return entry;
    }

    private static UnixFileMode ModeFor(TarEntryType type) =>
        type == TarEntryType.Directory
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
}
