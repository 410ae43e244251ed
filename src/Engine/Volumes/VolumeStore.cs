using System.Security.Cryptography;

namespace CorralOS.Engine.Volumes;

/// <summary>
/// Local volumes under DATA/volumes/NAME/_data: named ones (created on first use, kept until removed) and anonymous
/// ones (a random 64-hex name, made for a container's VOLUME paths and `-v /path`, removed with it by `rm -v`).
/// </summary>
public sealed class VolumeStore(string volumesDir)
{
    public string Root { get; } = Path.GetFullPath(volumesDir);

    /// <summary>A new anonymous volume's name, as Docker makes them.</summary>
    public static string NewAnonymousName() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string DataDir(string name) => Path.Combine(Root, Validate(name), "_data");

    public bool Exists(string name) => Directory.Exists(DataDir(name));

    /// <summary>Creates the volume when missing; returns its data directory and whether it was just made.</summary>
    public (string DataDir, bool Created) Ensure(string name)
    {
        var data = DataDir(name);
        if (Directory.Exists(data))
        {
            return (data, false);
        }
        Directory.CreateDirectory(data);
        return (data, true);
    }

    public IReadOnlyList<VolumeInfo> List() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.'))
                .Select(n => TryGet(n!)).OfType<VolumeInfo>().OrderBy(v => v.Name, StringComparer.Ordinal).ToList()
            : [];

    public VolumeInfo Get(string name) => TryGet(name) ?? throw new NotFoundException($"get {name}: no such volume");

    public void Remove(string name)
    {
        var dir = Path.Combine(Root, Validate(name));
        if (!Directory.Exists(dir))
        {
            return;
        }
        // Renamed first so a crash mid-delete leaves a dot directory the list never shows.
        var doomed = Path.Combine(Root, $".removing-{name}");
        Directory.Move(dir, doomed);
        Directory.Delete(doomed, recursive: true);
    }

    private VolumeInfo? TryGet(string name)
    {
        var data = Path.Combine(Root, Validate(name), "_data");
        return Directory.Exists(data) ? new VolumeInfo(name, data, Directory.GetCreationTimeUtc(Path.GetDirectoryName(data)!)) : null;
    }

    private static string Validate(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            throw new InvalidArgumentException($"invalid volume name: \"{name}\"");
        }
        return name;
    }
}

public sealed record VolumeInfo(string Name, string Mountpoint, DateTime CreatedAt);
