using System.Runtime.InteropServices;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Archives;

/// <summary>
/// Finds the images in a staged archive: a `docker save` archive (manifest.json) or an OCI image layout
/// (oci-layout + index.json; nested indexes pick linux/this architecture). Checks structure only; digests are
/// verified by the loader.
/// </summary>
public static class ArchiveParser
{
    public static IReadOnlyList<ArchiveImage> Parse(StagedArchive archive)
    {
        if (archive.Exists("manifest.json"))
        {
            return ParseDockerSave(archive);
        }
        if (archive.Exists("index.json") && archive.Exists("oci-layout"))
        {
            return ParseOciLayout(archive);
        }
        throw new InvalidArgumentException("invalid archive: neither manifest.json (docker save) nor oci-layout and index.json (OCI layout) found");
    }

    private static List<ArchiveImage> ParseDockerSave(StagedArchive archive)
    {
        var entries = archive.ReadJson("manifest.json", StoreJson.Default.ListDockerSaveEntry);
        var images = new List<ArchiveImage>();
        foreach (var entry in entries)
        {
            if (entry.Config is null || entry.Layers is null)
            {
                throw new InvalidArgumentException("invalid archive: manifest.json entry without Config or Layers");
            }
            var tags = (entry.RepoTags ?? []).Select(t => ParseTag(t)).ToList();
            var layers = entry.Layers.Select(l => new ArchiveLayer(l, DigestFromPath(l))).ToList();
            images.Add(new ArchiveImage(entry.Config, DigestFromPath(entry.Config), layers, tags));
        }
        return images;
    }

    private static List<ArchiveImage> ParseOciLayout(StagedArchive archive)
    {
        var index = archive.ReadJson("index.json", StoreJson.Default.ImageIndex);
        var images = new List<ArchiveImage>();
        foreach (var descriptor in index.Manifests ?? [])
        {
            var manifestDescriptor = descriptor.MediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList
                ? PickPlatform(archive, descriptor)
                : descriptor;
            var manifest = ReadVerified(archive, manifestDescriptor, StoreJson.Default.ImageManifest);
            if (manifest.Config?.Digest is null || manifest.Layers is null)
            {
                throw new InvalidArgumentException($"invalid archive: manifest {manifestDescriptor.Digest} has no config or layers");
            }
            var configDigest = Digest.Parse(manifest.Config.Digest);
            var layers = new List<ArchiveLayer>();
            foreach (var layer in manifest.Layers)
            {
                if (layer.MediaType is null || !MediaTypes.IsLayer(layer.MediaType))
                {
                    throw new InvalidArgumentException($"invalid archive: unsupported layer media type {layer.MediaType}");
                }
                var digest = Digest.Parse(layer.Digest ?? "");
                layers.Add(new ArchiveLayer(BlobPath(digest), digest));
            }
            images.Add(new ArchiveImage(BlobPath(configDigest), configDigest, layers, NameOf(descriptor)));
        }
        if (images.Count == 0)
        {
            throw new InvalidArgumentException("invalid archive: index.json lists no manifests");
        }
        return images;
    }

    private static Descriptor PickPlatform(StagedArchive archive, Descriptor indexDescriptor)
    {
        var nested = ReadVerified(archive, indexDescriptor, StoreJson.Default.ImageIndex);
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            _ => "amd64",
        };
        var manifests = nested.Manifests ?? [];
        return manifests.FirstOrDefault(m => m.Platform is { Os: "linux" } p && p.Architecture == arch)
            ?? (manifests.Count == 1 ? manifests[0] : null)
            ?? throw new InvalidArgumentException($"invalid archive: index {indexDescriptor.Digest} has no linux/{arch} manifest");
    }

    private static T ReadVerified<T>(StagedArchive archive, Descriptor descriptor, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var digest = Digest.Parse(descriptor.Digest ?? "");
        var path = BlobPath(digest);
        var actual = Digest.Of(archive.ReadBytes(path));
        if (actual != digest)
        {
            throw new InvalidArgumentException($"invalid archive: {path} has digest {actual}, expected {digest}");
        }
        return archive.ReadJson(path, type);
    }

    // containerd and Docker write the full name in io.containerd.image.name; other tools a full reference in
    // org.opencontainers.image.ref.name (a bare tag there names nothing we could use).
    private static List<ImageReference> NameOf(Descriptor descriptor)
    {
        var annotations = descriptor.Annotations ?? [];
        foreach (var key in new[] { "io.containerd.image.name", "org.opencontainers.image.ref.name" })
        {
            if (annotations.TryGetValue(key, out var value) && (value.Contains('/') || value.Contains(':') || key.StartsWith("io.", StringComparison.Ordinal)))
            {
                return [ParseTag(value)];
            }
        }
        return [];
    }

    private static ImageReference ParseTag(string value)
    {
        var reference = ImageReference.Parse(value);
        if (reference.Digest is not null)
        {
            throw new InvalidArgumentException($"invalid archive: {value} is a digest reference, not a tag");
        }
        return reference.WithDefaultTag();
    }

    private static string BlobPath(Digest digest) => $"blobs/sha256/{digest.Hex}";

    // "blobs/sha256/HEX" (Docker 25+) and "HEX.json" (older configs) name their digest; "ID/layer.tar" does not.
    private static Digest? DigestFromPath(string path)
    {
        var name = Path.GetFileName(path);
        if (path.StartsWith("blobs/sha256/", StringComparison.Ordinal) && Digest.IsHex64(name))
        {
            return Digest.FromHex(name);
        }
        if (name.EndsWith(".json", StringComparison.Ordinal) && Digest.IsHex64(name[..^5]))
        {
            return Digest.FromHex(name[..^5]);
        }
        return null;
    }
}
