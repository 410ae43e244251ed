namespace CorralOS.Docker;

/// <summary>
/// Shares the docker CLI of the docker system image with the console, as RancherOS shared its engine's binaries in
/// /var/lib/rancher/engine: the console's /usr/bin/docker links there, so the image carries the CLI once and only
/// systems that run User Docker hold it. When the image came from the system images file (a read-only erofs on disk,
/// its layers extracted, mounted at <see cref="DefaultStore"/> and seen by every system container through /run), the
/// share is a symlink to the CLI in that file's layer: without a state disk /var/lib/rancher is RAM, and a copy of a
/// 44 MB CLI there is 44 MB of RAM. Otherwise (the image pulled or loaded into System Docker's own store) it is a
/// copy, replaced only when it differs (size or mtime). Either is replaced atomically (rename), so a stale copy or
/// link of an older version goes on the next start.
/// </summary>
public static class EngineCliShare
{
    public const string DefaultDirectory = "/var/lib/rancher/engine";

    /// <summary>Where PID 1 mounts the system images file (CorralOS.Init's SystemImagesFile.MountPoint), in System Docker's store layout.</summary>
    public const string DefaultStore = "/run/corralos/system-images";

    /// <summary>
    /// How much of the file's head is compared besides size and mtime. The whole file is not hashed: that would read
    /// 44 MB (decompressed into the page cache, seconds under emulation) at each start to save RAM. The candidate is
    /// the same path in a layer of a store built by the same build, identical size and mtime (erofs keeps the
    /// layer's mtime) already rule out another version; the head of an ELF file holds its headers and, for Go
    /// binaries such as the docker CLI, the Go build ID note, itself a hash of the build's inputs.
    /// </summary>
    public const int ComparedHead = 64 * 1024;

    private const UnixFileMode Mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// Shares <paramref name="cli"/> (an absolute path in this container) as <paramref name="directory"/>/NAME: a
    /// symlink to the identical file in a layer of <paramref name="store"/> that everyone can reach, else a copy
    /// (mode 0755). Returns the share's path.
    /// </summary>
    public static string Share(string cli, string directory, string store = DefaultStore)
    {
        var source = new FileInfo(cli);
        if (!source.Exists)
        {
            throw new FileNotFoundException($"{cli}: no docker CLI in this image", cli);
        }
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, source.Name);
        if (FindInStore(source, store) is { } stored)
        {
            Link(target, stored);
        }
        else
        {
            Copy(source, target);
        }
        return target;
    }

    /// <summary>The path of a file identical to <paramref name="cli"/> at the same place in a layer of <paramref name="store"/> that others can traverse to and run, or null.</summary>
    public static string? FindInStore(FileInfo cli, string store)
    {
        var layers = Path.Combine(store, "image", "layers", "sha256");
        if (!Directory.Exists(layers))
        {
            return null;
        }
        var relative = Path.GetRelativePath("/", Path.GetFullPath(cli.FullName));
        foreach (var layer in Directory.EnumerateDirectories(layers).Order(StringComparer.Ordinal))
        {
            var candidate = new FileInfo(Path.Combine(layer, "diff", relative));
            if (candidate.Exists && Identical(cli, candidate) && ReachableByOthers(candidate))
            {
                return candidate.FullName;
            }
        }
        return null;
    }

    /// <summary>Same size, same mtime, same first <see cref="ComparedHead"/> bytes (why not a hash: see there).</summary>
    public static bool Identical(FileInfo a, FileInfo b)
    {
        if (a.Length != b.Length || a.LastWriteTimeUtc != b.LastWriteTimeUtc)
        {
            return false;
        }
        var length = (int)Math.Min(a.Length, ComparedHead);
        return Head(a, length).AsSpan().SequenceEqual(Head(b, length));
    }

    private static byte[] Head(FileInfo file, int length)
    {
        var bytes = new byte[length];
        using var stream = file.OpenRead();
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// True when a user who is not the owner (rancher, through the console's /usr/bin/docker) can reach and run the
    /// file: every directory from / down to it searchable by others, the file readable and executable by others.
    /// </summary>
    public static bool ReachableByOthers(FileInfo file)
    {
        if ((file.UnixFileMode & (UnixFileMode.OtherRead | UnixFileMode.OtherExecute)) != (UnixFileMode.OtherRead | UnixFileMode.OtherExecute))
        {
            return false;
        }
        for (var dir = file.Directory; dir is not null; dir = dir.Parent)
        {
            if (!dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }
        return true;
    }

    private static void Link(string target, string stored)
    {
        if (new FileInfo(target).LinkTarget == stored)
        {
            return;
        }
        var temporary = target + ".new";
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, stored);
        File.Move(temporary, target, overwrite: true);
    }

    private static void Copy(FileInfo source, string target)
    {
        var current = new FileInfo(target);
        if (current.LinkTarget is null && current.Exists && current.Length == source.Length && current.LastWriteTimeUtc == source.LastWriteTimeUtc)
        {
            return;
        }
        var temporary = target + ".new";
        File.Delete(temporary);
        File.Copy(source.FullName, temporary);
        File.SetUnixFileMode(temporary, Mode0755);
        File.SetLastWriteTimeUtc(temporary, source.LastWriteTimeUtc);
        File.Move(temporary, target, overwrite: true);
    }
}
