using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CorralOS.Engine.Tests;

/// <summary>Builds layer tars entry by entry, including hostile ones.</summary>
public sealed class LayerBuilder
{
    private readonly List<TarEntry> _entries = [];

    public LayerBuilder File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)), Mode = mode, ModificationTime = DateTimeOffset.UnixEpoch };
        _entries.Add(entry);
        return this;
    }

    public LayerBuilder Dir(string name) => Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101, ModificationTime = DateTimeOffset.UnixEpoch });

    public LayerBuilder Symlink(string name, string target) => Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = DateTimeOffset.UnixEpoch });

    public LayerBuilder HardLink(string name, string target) => Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = DateTimeOffset.UnixEpoch });

    public LayerBuilder CharDevice(string name) => Add(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = 1, DeviceMinor = 3, ModificationTime = DateTimeOffset.UnixEpoch });

    public LayerBuilder Add(TarEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    // Fixed timestamps: the same entries always make the same bytes, so digests are stable within a test.
    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                entry.DataStream?.Seek(0, SeekOrigin.Begin);
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }
}

/// <summary>A small image made in the test: layers, a config with correct diff_ids, and its archive forms.</summary>
public sealed class TestImage
{
    public List<byte[]> Layers { get; } = [];

    public List<string> Tags { get; } = [];

    public Dictionary<string, string> Labels { get; } = [];

    /// <summary>The config's Volumes (Dockerfile VOLUME paths).</summary>
    public List<string> Volumes { get; } = [];

    public DateTimeOffset Created { get; init; } = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Replaces the diff_ids the config declares (for mismatch tests).</summary>
    public List<string>? DiffIdsOverride { get; set; }

    public TestImage Layer(LayerBuilder layer)
    {
        Layers.Add(layer.Build());
        return this;
    }

    public TestImage Tag(string tag)
    {
        Tags.Add(tag);
        return this;
    }

    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public List<string> DiffIds => DiffIdsOverride ?? Layers.Select(Sha256).ToList();

    public byte[] ConfigBytes()
    {
        var labels = new JsonObject();
        foreach (var (k, v) in Labels)
        {
            labels[k] = v;
        }
        var history = new JsonArray();
        foreach (var (layer, i) in Layers.Select((l, i) => (l, i)))
        {
            history.Add(new JsonObject { ["created"] = Created.AddSeconds(i).ToString("O"), ["created_by"] = $"layer {i}" });
        }
        history.Add(new JsonObject { ["created"] = Created.ToString("O"), ["created_by"] = "CMD [\"sh\"]", ["empty_layer"] = true });
        var containerConfig = new JsonObject { ["Cmd"] = new JsonArray("sh"), ["Env"] = new JsonArray("PATH=/bin"), ["Labels"] = labels };
        if (Volumes.Count > 0)
        {
            containerConfig["Volumes"] = new JsonObject(Volumes.Select(v => KeyValuePair.Create(v, (JsonNode?)new JsonObject())));
        }
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = Created.ToString("O"),
            ["config"] = containerConfig,
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(DiffIds.Select(d => (JsonNode)d).ToArray()) },
            ["history"] = history,
        };
        return Encoding.UTF8.GetBytes(config.ToJsonString());
    }

    public string Id => Sha256(ConfigBytes());

    /// <summary>The files of a classic `docker save` archive: HEX.json config, ID/layer.tar, manifest.json, repositories.</summary>
    public List<(string Name, byte[] Data)> DockerSaveFiles(bool gzipLayers = false)
    {
        var config = ConfigBytes();
        var files = new List<(string, byte[])> { (Sha256(config)[7..] + ".json", config) };
        var layerNames = new List<string>();
        foreach (var (layer, i) in Layers.Select((l, i) => (l, i)))
        {
            var dir = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Id}/{i}")));
            layerNames.Add($"{dir}/layer.tar");
            files.Add(($"{dir}/layer.tar", gzipLayers ? Gzip(layer) : layer));
        }
        var manifest = new JsonArray(new JsonObject
        {
            ["Config"] = Sha256(config)[7..] + ".json",
            ["RepoTags"] = new JsonArray(Tags.Select(t => (JsonNode)t).ToArray()),
            ["Layers"] = new JsonArray(layerNames.Select(n => (JsonNode)n).ToArray()),
        });
        files.Add(("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString())));
        var repositories = new JsonObject();
        foreach (var tag in Tags)
        {
            var colon = tag.LastIndexOf(':');
            repositories[tag[..colon]] = new JsonObject { [tag[(colon + 1)..]] = layerNames.Count > 0 ? layerNames[^1][..64] : "" };
        }
        files.Add(("repositories", Encoding.UTF8.GetBytes(repositories.ToJsonString())));
        return files;
    }

    /// <summary>An OCI image layout with gzip (or zstd) layers; the name goes in io.containerd.image.name.</summary>
    public List<(string Name, byte[] Data)> OciLayoutFiles(string? name, bool zstd = false)
    {
        var config = ConfigBytes();
        var files = new List<(string, byte[])> { ("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray()) };
        files.Add(($"blobs/sha256/{Sha256(config)[7..]}", config));
        var layers = new JsonArray();
        foreach (var layer in Layers)
        {
            var blob = zstd ? Zstd(layer) : Gzip(layer);
            files.Add(($"blobs/sha256/{Sha256(blob)[7..]}", blob));
            layers.Add(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+" + (zstd ? "zstd" : "gzip"), ["digest"] = Sha256(blob), ["size"] = blob.Length });
        }
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Sha256(config), ["size"] = config.Length },
            ["layers"] = layers,
        }.ToJsonString());
        files.Add(($"blobs/sha256/{Sha256(manifest)[7..]}", manifest));
        var descriptor = new JsonObject { ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = Sha256(manifest), ["size"] = manifest.Length };
        if (name is not null)
        {
            descriptor["annotations"] = new JsonObject { ["io.containerd.image.name"] = name };
        }
        files.Add(("index.json", Encoding.UTF8.GetBytes(new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray(descriptor) }.ToJsonString())));
        return files;
    }

    public static byte[] Tar(IEnumerable<(string Name, byte[] Data)> files)
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = (UnixFileMode)0b110_100_100 });
            }
        }
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, leaveOpen: true))
        {
            zstd.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>A one-layer image with a file, a directory and a symlink.</summary>
    public static TestImage Simple(string tag, string content = "hello") =>
        new TestImage().Layer(new LayerBuilder().Dir("etc").File("etc/motd", content).Dir("bin").Symlink("bin/sh", "/bin/busybox")).Tag(tag);
}
