namespace CorralOS.Build.Tests;

/// <summary>The repository and the build outputs `make` left in it (the tests use them as inputs).</summary>
internal static class BuildPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory holding CorralOS.slnx, found by walking up from the test binary.</summary>
    public static string Root => s_root.Value;

    /// <summary>$CORRALOS_DIST, else &lt;root&gt;/dist.</summary>
    public static string Dist => Resolve(Environment.GetEnvironmentVariable("CORRALOS_DIST"), "dist");

    /// <summary>$OUT (the Makefile exports it, possibly relative), else &lt;root&gt;/out.</summary>
    public static string Out => Resolve(Environment.GetEnvironmentVariable("OUT"), "out");

    public static string Ros => Require(Path.Combine(Dist, "ros"));

    public static string Vmlinuz => Require(Path.Combine(Dist, "vmlinuz"));

    public static string Initrd => Require(Path.Combine(Dist, "initrd"));

    /// <summary>The extracted Debian packages (build/fetch-debs.sh).</summary>
    public static string Sysroot => RequireDirectory(Path.Combine(Out, "sysroot"));

    /// <summary>The kernel module subset (build/kernel.sh).</summary>
    public static string Modules => RequireDirectory(Path.Combine(Out, "modules"));

    public static string Script(string name) => Require(Path.Combine(Root, "build", name));

    private static string Require(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing: build it first (`make` at the repository root).");
        return path;
    }

    private static string RequireDirectory(string path)
    {
        Assert.True(Directory.Exists(path), $"{path} is missing: build it first (`make kernel` at the repository root).");
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

        throw new InvalidOperationException("CorralOS.slnx not found above the test binary or the working directory.");
    }
}
