using System.CommandLine;
using CorralOS.Config;

namespace CorralOS.Cli.Applets;

/// <summary>The directory the config paths are under: an applet's hidden --root, else $CORRALOS_CONFIG_ROOT (tests), else /.</summary>
internal static class ConfigRoot
{
    /// <summary>The hidden --root option (tests point the applet at a directory tree); recursive for applets with subcommands.</summary>
    public static Option<string?> Option(bool recursive = false) => new("--root")
    {
        Description = $"Directory the config paths are under (default /, or ${ConfigPaths.RootVariable})",
        Hidden = true,
        Recursive = recursive,
    };

    public static ConfigPaths Paths(string? root)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ConfigPaths.RootVariable);
        return new ConfigPaths(root ?? (string.IsNullOrEmpty(fromEnvironment) ? "/" : fromEnvironment));
    }
}
