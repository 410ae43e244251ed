using System.Text;
using CorralOS.Compose;
using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Step 8: /etc/profile.d/proxy.sh exports the proxies of rancher.environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY,
/// either case; rancher.network's *_proxy as fallback) in both cases, and /etc/profile.d/path.sh appends the
/// comma-separated directories of rancher.environment.PATH to PATH. A file with nothing to say is removed.
/// </summary>
public static class ProfileScripts
{
    private static readonly string[] s_proxies = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"];

    public static string? Proxy(IReadOnlyDictionary<string, object?> config)
    {
        var environment = ConfigTree.Get(config, "rancher.environment") as IReadOnlyDictionary<string, object?>;
        var text = new StringBuilder();
        foreach (var name in s_proxies)
        {
            var value = environment?.FirstOrDefault(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString()
                ?? ConfigTree.GetString(config, "rancher.network." + name.ToLowerInvariant());
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            text.Append("export ").Append(name).Append('=').Append(ShellWords.Quote(value)).Append('\n');
            text.Append("export ").Append(name.ToLowerInvariant()).Append('=').Append(ShellWords.Quote(value)).Append('\n');
        }
        return text.Length == 0 ? null : text.ToString();
    }

    public static string? Path(IReadOnlyDictionary<string, object?> config)
    {
        var directories = (ConfigTree.GetString(config, "rancher.environment.PATH") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return directories.Length == 0 ? null : $"export PATH=\"$PATH\":{ShellWords.Quote(string.Join(':', directories))}\n";
    }

    public static void Write(ConsoleOptions options, IReadOnlyDictionary<string, object?> config)
    {
        var directory = System.IO.Path.Combine(options.Etc, "profile.d");
        WriteOrRemove(System.IO.Path.Combine(directory, "proxy.sh"), Proxy(config));
        WriteOrRemove(System.IO.Path.Combine(directory, "path.sh"), Path(config));
    }

    private static void WriteOrRemove(string file, string? text)
    {
        if (text is null)
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
            return;
        }
        FileModes.WriteAtomically(file, text);
    }
}
