using CorralOS.Config;

namespace CorralOS.Cli.Applets;

/// <summary>The directory the config paths are under: an applet's hidden --root, else $CORRALOS_CONFIG_ROOT (tests), else /.</summary>
internal static class ConfigRoot
{
    public static ConfigPaths Paths(string? root)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ConfigPaths.RootVariable);
        return new ConfigPaths(root ?? (string.IsNullOrEmpty(fromEnvironment) ? "/" : fromEnvironment));
    }
}
