namespace CorralOS.Install;

/// <summary>
/// One OS version as the OS image carries it (build/os-image.sh): /usr/share/ros/os holds files.list (the names of
/// the version's files, images/os/files.list), each of those files, the version and the boot menu template.
/// </summary>
public sealed class OsVersionFiles
{
    public const string DefaultDirectory = "/usr/share/ros/os";
    public const string ListName = "files.list";

    private OsVersionFiles(string directory, string version, IReadOnlyList<string> names)
    {
        Directory = directory;
        Version = version;
        Names = names;
    }

    public string Directory { get; }

    public string Version { get; }

    /// <summary>The version's files (vmlinuz, initrd, ...), in list order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The GRUB menu template (images/os/grub.cfg).</summary>
    public string GrubTemplate => Path.Combine(Directory, "grub.cfg");

    public static OsVersionFiles Read(string directory = DefaultDirectory)
    {
        var list = Path.Combine(directory, ListName);
        if (!File.Exists(list))
        {
            throw new InstallException($"{list} is missing: the installer runs in the OS image (corralos/os)");
        }
        var names = File.ReadAllLines(list)
            .Select(l => l.Split('#', 2)[0].Trim())
            .Where(l => l.Length > 0)
            .ToList();
        foreach (var name in names)
        {
            if (name.Contains('/', StringComparison.Ordinal) || !File.Exists(Path.Combine(directory, name)))
            {
                throw new InstallException($"{list} names {name}, which the image does not hold");
            }
        }
        var version = File.ReadAllText(Path.Combine(directory, "version")).Trim();
        return new OsVersionFiles(directory, version, names);
    }

    /// <summary>The name a file of this version has under /boot: vmlinuz-0.1.0.</summary>
    public string VersionedName(string name) => $"{name}-{Version}";
}
