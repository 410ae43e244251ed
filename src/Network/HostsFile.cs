namespace CorralOS.Network;

/// <summary>
/// /etc/hosts: the `127.0.1.1 NAME` line names this host (as Debian and RancherOS do); other lines are kept, and the
/// localhost lines are added when the file has none.
/// </summary>
internal static class HostsFile
{
    public static string Render(string? existing, string hostName)
    {
        var lines = (existing ?? "").Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        lines.RemoveAll(l => Fields(l) is [var address, ..] && address == "127.0.1.1");
        if (!lines.Any(l => Fields(l) is ["127.0.0.1", ..]))
        {
            lines.Insert(0, "127.0.0.1\tlocalhost");
        }
        if (!lines.Any(l => Fields(l) is ["::1", ..]))
        {
            lines.Insert(1, "::1\tlocalhost ip6-localhost ip6-loopback");
        }
        var dot = hostName.IndexOf('.', StringComparison.Ordinal);
        lines.Add(dot > 0 ? $"127.0.1.1\t{hostName} {hostName[..dot]}" : $"127.0.1.1\t{hostName}");
        return string.Join('\n', lines) + "\n";
    }

    public static void Write(string path, string hostName)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path) : null;
        NetconfFile.Write(path, Render(existing, hostName));
    }

    /// <summary>Whether the file already names this host on its 127.0.1.1 line.</summary>
    public static bool Names(string path, string hostName) =>
        File.Exists(path) && File.ReadLines(path).Any(l => Fields(l) is ["127.0.1.1", var name, ..] && name == hostName);

    private static string[] Fields(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        return (hash < 0 ? line : line[..hash]).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
    }
}
