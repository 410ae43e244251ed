using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CorralOS.Engine.Archives;

/// <summary>
/// An image archive (docker save or OCI layout, possibly gzipped) unpacked into a private staging directory.
/// Only regular files land on disk; symlinks and hard links inside the archive (older `docker save` links
/// repeated layers) are kept as a name map and resolved on open, so nothing in the archive can point outside it.
/// </summary>
public sealed class StagedArchive
{
    private const int MaxLinkDepth = 16;

    // Manifests, indexes and configs are read into memory; real ones are kilobytes.
    private const long MaxMetadataSize = 16 << 20;
    private readonly string _root;
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    private StagedArchive(string root) => _root = root;

    /// <summary>Reads the whole archive from the stream into dir (which must be empty).</summary>
    public static StagedArchive Unpack(Stream input, string dir)
    {
        var archive = new StagedArchive(dir);
        try
        {
            using var plain = Compression.Decompress(input, "archive");
            using var reader = new TarReader(plain, leaveOpen: true);
            var any = false;
            while (reader.GetNextEntry() is { } entry)
            {
                any = true;
                archive.Add(entry);
            }
            if (!any)
            {
                throw new InvalidArgumentException("invalid archive: empty or not a tar archive");
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw new InvalidArgumentException($"invalid archive: {e.Message}", e);
        }
        return archive;
    }

    private void Add(TarEntry entry)
    {
        var name = SafePath.Normalize(entry.Name, $"archive entry {entry.Name}");
        switch (entry.EntryType)
        {
            case TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes:
                return;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                if (name.Length == 0)
                {
                    throw new InvalidArgumentException($"archive entry {entry.Name}: not a file name");
                }
                CheckNoClash(name, entry.Name);
                var path = Path.Combine(_root, "files", name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
                {
                    entry.DataStream?.CopyTo(file);
                }
                _links.Remove(name);
                _files.Add(name);
                return;
            case TarEntryType.SymbolicLink:
                // Relative to the link's directory; absolute targets cannot name anything in the archive.
                var dir = name.Contains('/') ? name[..name.LastIndexOf('/')] + "/" : "";
                _links[name] = SafePath.Normalize(entry.LinkName.StartsWith('/') ? entry.LinkName : dir + entry.LinkName, $"archive symlink {entry.Name}");
                return;
            case TarEntryType.HardLink:
                _links[name] = SafePath.Normalize(entry.LinkName, $"archive hard link {entry.Name}");
                return;
            default:
                throw new InvalidArgumentException($"archive entry {entry.Name}: unsupported type {entry.EntryType}");
        }
    }

    // "a" as a file and "a/b" in the same archive cannot both be staged: refuse instead of failing on disk.
    private void CheckNoClash(string name, string entryName)
    {
        if (_directories.Contains(name))
        {
            throw new InvalidArgumentException($"archive entry {entryName}: both a file and a directory");
        }
        for (var slash = name.IndexOf('/'); slash > 0; slash = name.IndexOf('/', slash + 1))
        {
            if (_files.Contains(name[..slash]))
            {
                throw new InvalidArgumentException($"archive entry {entryName}: {name[..slash]} is both a file and a directory");
            }
            _directories.Add(name[..slash]);
        }
    }

    public bool Exists(string name) => TryResolve(name, out _);

    public FileStream Open(string name)
    {
        if (!TryResolve(name, out var path))
        {
            throw new InvalidArgumentException($"invalid archive: {name} is missing");
        }
        return File.OpenRead(path);
    }

    public long Length(string name) => TryResolve(name, out var path) ? new FileInfo(path).Length : -1;

    public T ReadJson<T>(string name, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(ReadBytes(name), type) ?? throw new InvalidArgumentException($"invalid archive: {name} is null");
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"invalid archive: {name} is not valid JSON: {e.Message}", e);
        }
    }

    public byte[] ReadBytes(string name)
    {
        using var stream = Open(name);
        if (stream.Length > MaxMetadataSize)
        {
            throw new InvalidArgumentException($"invalid archive: {name} is {stream.Length} bytes, more than a manifest or config can be");
        }
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private bool TryResolve(string name, out string path)
    {
        path = "";
        string normal;
        try
        {
            normal = SafePath.Normalize(name, $"archive reference {name}");
        }
        catch (InvalidArgumentException)
        {
            return false;
        }
        for (var depth = 0; depth < MaxLinkDepth; depth++)
        {
            if (_files.Contains(normal))
            {
                path = Path.Combine(_root, "files", normal);
                return true;
            }
            if (!_links.TryGetValue(normal, out var target))
            {
                return false;
            }
            normal = target;
        }
        return false;
    }
}
