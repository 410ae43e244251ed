using CorralOS.Testing;

namespace CorralOS.Build.Tests;

/// <summary>The build outputs `make` left in the repository (the tests use them as inputs).</summary>
internal static class BuildPaths
{
    public static string Root => RepoPaths.Root;

    public static string Ros => RepoPaths.RequireFile(RepoPaths.Ros);

    public static string Vmlinuz => RepoPaths.RequireFile(RepoPaths.Kernel);

    public static string Initrd => RepoPaths.RequireFile(RepoPaths.Initrd);

    public static string SystemImages => RepoPaths.RequireFile(RepoPaths.SystemImages);

    /// <summary>The extracted Debian packages (build/fetch-debs.sh).</summary>
    public static string Sysroot => RequireDirectory(Path.Combine(RepoPaths.Out, "sysroot"));

    /// <summary>The kernel module subset (build/kernel.sh).</summary>
    public static string Modules => RequireDirectory(Path.Combine(RepoPaths.Out, "modules"));

    public static string Script(string name) => RepoPaths.RequireFile(Path.Combine(Root, "build", name));

    private static string RequireDirectory(string path)
    {
        Assert.True(Directory.Exists(path), $"{path} is missing: build it first (`make kernel` at the repository root).");
        return path;
    }
}
