using CorralOS.Linux;

namespace CorralOS.Config;

/// <summary>VERSION from an os-release(5) file (<see cref="OsReleaseFile"/>).</summary>
public static class OsReleaseVersion
{
    /// <returns>The version, or null when the file is absent, unreadable or has no non-empty VERSION.</returns>
    public static string? Read(string path) =>
        OsReleaseFile.Read(path)?.GetValueOrDefault("VERSION") is { Length: > 0 } version ? version : null;
}
