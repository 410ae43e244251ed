namespace CorralOS.Testing;

/// <summary>Where the repository and its build outputs are, seen from a test binary.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory holding CorralOS.slnx (found by walking up from the test binary, then the working directory).</summary>
    public static string Root => s_root.Value;

    /// <summary>$CORRALOS_DIST, else &lt;root&gt;/dist.</summary>
    public static string Dist => Resolve(Environment.GetEnvironmentVariable("CORRALOS_DIST"), "dist");

    /// <summary>$OUT (as the Makefile exports it), else &lt;root&gt;/out.</summary>
    public static string Out => Resolve(Environment.GetEnvironmentVariable("OUT"), "out");

    public static string Iso => Path.Combine(Dist, "corralos.iso");

    public static string Kernel => Path.Combine(Dist, "vmlinuz");

    public static string Initrd => Path.Combine(Dist, "initrd");

    /// <summary>The system images file beside the initrd (build/initrd.sh): an erofs PID 1 finds by its UUID.</summary>
    public static string SystemImages => Path.Combine(Dist, "system-images");

    public static string Ros => Path.Combine(Dist, "ros");

    /// <summary>The VERSION file's content, trimmed.</summary>
    public static string Version => File.ReadAllText(Path.Combine(Root, "VERSION")).Trim();

    /// <summary>Throws a clear message when a build output is missing (run `make` first).</summary>
    public static string RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist: build it first (`make` at the repository root).", path);
        }

        return path;
    }

    private static string Resolve(string? value, string fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Path.Combine(Root, fallback);
        }

        return Path.IsPathRooted(value) ? value : Path.Combine(Root, value);
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CorralOS.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("CorralOS.slnx not found above " + AppContext.BaseDirectory);
    }
}
