using System.Text.RegularExpressions;

namespace CorralOS.Console;

/// <summary>
/// Step 7: /etc/os-release in the console says CorralOS (the image's says Debian): the host's /usr/share/ros/os-release when
/// the service binds it in, else one made from the version.
/// </summary>
public static partial class OsRelease
{
    public static string Render(string version)
    {
        var id = VersionIdCharacters().Replace(version, "");
        return $"""
            NAME="CorralOS"
            ID=corralos
            VERSION="{version}"
            VERSION_ID={id}
            PRETTY_NAME="CorralOS {version}"

            """;
    }

    public static void Write(ConsoleOptions options)
    {
        var fromHost = options.InRoot("/usr/share/ros/os-release");
        var text = File.Exists(fromHost) ? File.ReadAllText(fromHost) : Render(options.Version);
        // A rename replaces Debian's symlink to /usr/lib/os-release rather than writing through it.
        FileModes.WriteAtomically(Path.Combine(options.Etc, "os-release"), text);
    }

    // os-release(5): VERSION_ID is lower-case letters, digits, '.', '_' and '-'.
    [GeneratedRegex("[^a-z0-9._-]")]
    private static partial Regex VersionIdCharacters();
}
