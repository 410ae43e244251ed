using System.Formats.Tar;
using CorralOS.Engine.Archives;
using CorralOS.Linux;

namespace CorralOS.Engine.Layers;

/// <summary>
/// Unpacks one layer tar into an empty directory in overlayfs form: ".wh.NAME" becomes a 0:0 character device,
/// ".wh..wh..opq" the trusted.overlay.opaque xattr. Nothing is ever written through a symlink: an entry whose
/// parent path holds a symlink is refused, as are "..", absolute names, hard links leaving the layer and
/// device nodes. Ownership is applied when running as root.
/// </summary>
public sealed class LayerExtractor(string root, string what)
{
    private const string WhiteoutPrefix = ".wh.";
    private const string WhiteoutMeta = ".wh..wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    private readonly bool _root = SpecialFiles.IsRoot;

    /// <summary>Total bytes of regular file content, Docker's notion of a layer's size.</summary>
    public long ContentSize { get; private set; }

    public void Extract(Stream tar)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            Apply(entry);
        }
    }

    private void Apply(TarEntry entry)
    {
        if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
        {
            return;
        }
        var rel = SafePath.Normalize(entry.Name, $"{what}: {entry.Name}");
        if (rel.Length == 0)
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                SetMetadata(root, entry);
            }
            return;
        }
        var slash = rel.LastIndexOf('/');
        var parent = slash < 0 ? "" : rel[..slash];
        var name = rel[(slash + 1)..];
        var parentPath = EnsureDirectory(parent, entry.Name);

        if (name == OpaqueMarker)
        {
            SpecialFiles.SetAttribute(parentPath, "trusted.overlay.opaque", "y");
            return;
        }
        if (name.StartsWith(WhiteoutMeta, StringComparison.Ordinal))
        {
            return; // aufs bookkeeping (.wh..wh.plnk and the like), meaningless for overlayfs
        }
        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            var hidden = name[WhiteoutPrefix.Length..];
            if (hidden is "" or "." or "..")
            {
                throw new InvalidArgumentException($"{what}: invalid whiteout {entry.Name}");
            }
            var whiteout = Path.Combine(parentPath, hidden);
            Remove(whiteout);
            SpecialFiles.CreateWhiteout(whiteout);
            return;
        }

        var path = Path.Combine(parentPath, name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (KindOf(path) != Kind.Directory)
                {
                    Remove(path);
                    Directory.CreateDirectory(path);
                }
                SetMetadata(path, entry);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Remove(path);
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                    entry.DataStream?.CopyTo(file);
                    ContentSize += file.Length;
                }
                SetMetadata(path, entry);
                File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
                break;
            case TarEntryType.SymbolicLink:
                if (entry.LinkName.Length == 0)
                {
                    throw new InvalidArgumentException($"{what}: symlink {entry.Name} has no target");
                }
                Remove(path);
                File.CreateSymbolicLink(path, entry.LinkName);
                SetOwner(path, entry);
                break;
            case TarEntryType.HardLink:
                var target = ResolveHardLinkTarget(entry);
                Remove(path);
                SpecialFiles.CreateHardLink(path, target);
                break;
            case TarEntryType.Fifo:
                Remove(path);
                SpecialFiles.CreateFifo(path, entry.Mode);
                SetMetadata(path, entry);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                throw new InvalidArgumentException($"{what}: device node {entry.Name} is not allowed in an image layer");
            default:
                throw new InvalidArgumentException($"{what}: unsupported tar entry type {entry.EntryType} for {entry.Name}");
        }
    }

    // Hard link names are archive paths; the target must already be in this layer and reached without symlinks.
    private string ResolveHardLinkTarget(TarEntry entry)
    {
        var rel = SafePath.Normalize(entry.LinkName, $"{what}: hard link {entry.Name}");
        var slash = rel.LastIndexOf('/');
        var dir = root;
        foreach (var part in slash < 0 ? [] : rel[..slash].Split('/'))
        {
            dir = Path.Combine(dir, part);
            if (KindOf(dir) != Kind.Directory)
            {
                throw new InvalidArgumentException($"{what}: hard link {entry.Name} points outside the layer or through a symlink ({entry.LinkName})");
            }
        }
        var target = Path.Combine(dir, rel[(slash + 1)..]);
        if (rel.Length == 0 || KindOf(target) is Kind.None or Kind.Directory)
        {
            throw new InvalidArgumentException($"{what}: hard link {entry.Name} points to {entry.LinkName}, which is not a file in this layer");
        }
        return target;
    }

    // Creates missing parents; refuses to go through anything that is not a real directory.
    private string EnsureDirectory(string rel, string entryName)
    {
        var dir = root;
        if (rel.Length == 0)
        {
            return dir;
        }
        foreach (var part in rel.Split('/'))
        {
            dir = Path.Combine(dir, part);
            switch (KindOf(dir))
            {
                case Kind.None:
                    Directory.CreateDirectory(dir);
                    break;
                case Kind.Directory:
                    break;
                case Kind.Symlink:
                    throw new InvalidArgumentException($"{what}: {entryName} would be written through the symlink {Path.GetRelativePath(root, dir)}");
                default:
                    throw new InvalidArgumentException($"{what}: {entryName}: {Path.GetRelativePath(root, dir)} is not a directory");
            }
        }
        return dir;
    }

    private void SetMetadata(string path, TarEntry entry)
    {
        SetOwner(path, entry);
        // After chown, which clears set-id bits.
        File.SetUnixFileMode(path, entry.Mode);
    }

    private void SetOwner(string path, TarEntry entry)
    {
        if (_root)
        {
            SpecialFiles.SetOwner(path, entry.Uid, entry.Gid);
        }
    }

    private static void Remove(string path)
    {
        switch (KindOf(path))
        {
            case Kind.Directory:
                Directory.Delete(path, recursive: true);
                break;
            case Kind.None:
                break;
            default:
                File.Delete(path);
                break;
        }
    }

    private enum Kind { None, Directory, Symlink, Other }

    private static Kind KindOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return Kind.Symlink;
        }
        if (Directory.Exists(path))
        {
            return Kind.Directory;
        }
        return info.Exists ? Kind.Other : Kind.None;
    }
}
