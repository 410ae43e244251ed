// The tests check Linux file modes and locks.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace CorralOS.Config.Tests;

/// <summary>A throwaway root directory laid out like the system's config paths.</summary>
public sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = Directory.CreateTempSubdirectory("corralos-config-").FullName;
        Paths = new ConfigPaths(Path);
    }

    public string Path { get; }

    public ConfigPaths Paths { get; }

    /// <summary>Writes a file under the root (relative path) or at a layer path (absolute), creating directories.</summary>
    public string Write(string path, string text)
    {
        var full = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(Path, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public LoadedConfig Load(bool includeDefaults = true) => new ConfigLoader(Paths).Load(includeDefaults);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
