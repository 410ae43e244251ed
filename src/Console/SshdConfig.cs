using System.Globalization;
using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Step 5: /etc/ssh/sshd_config from /etc/ssh/sshd_config.tpl (a complete sshd_config that the image ships), with
/// Port from rancher.ssh.port and ListenAddress from rancher.ssh.listen_address put first (sshd takes keywords before
/// any Match block). When a value is set, the template's own lines of that keyword are dropped, since sshd would
/// listen on both. The file is rendered from the template every time, never appended to, so runs do not accumulate
/// lines; without a template the current sshd_config is the base, with the lines this step manages removed first.
/// </summary>
public static class SshdConfig
{
    private const string Header = "# Written by console-init from sshd_config.tpl, rancher.ssh.port and rancher.ssh.listen_address; edits are lost.";

    public static string Render(string template, IReadOnlyDictionary<string, object?> config)
    {
        var port = ConfigTree.GetString(config, "rancher.ssh.port");
        var listen = ConfigTree.GetString(config, "rancher.ssh.listen_address");
        var managed = new List<string>();
        if (!string.IsNullOrWhiteSpace(port))
        {
            managed.Add("Port " + int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        }
        if (!string.IsNullOrWhiteSpace(listen))
        {
            managed.Add("ListenAddress " + listen.Trim());
        }
        var kept = template.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l != Header)
            .Where(l => !(Keyword(l) is "port" && port is { Length: > 0 }))
            .Where(l => !(Keyword(l) is "listenaddress" && listen is { Length: > 0 }))
            .ToList();
        while (kept.Count > 0 && kept[^1].Length == 0)
        {
            kept.RemoveAt(kept.Count - 1);
        }
        return string.Concat(new[] { Header }.Concat(managed).Concat(kept).Select(l => l + "\n"));
    }

    public static void Write(ConsoleOptions options, IReadOnlyDictionary<string, object?> config)
    {
        var directory = Path.Combine(options.Etc, "ssh");
        var template = Path.Combine(directory, "sshd_config.tpl");
        var target = Path.Combine(directory, "sshd_config");
        var source = File.Exists(template) ? template : target;
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"neither {template} nor {target} exists");
        }
        FileModes.WriteAtomically(target, Render(File.ReadAllText(source), config));
    }

    // The keyword of a directive, lower-cased (sshd keywords are case-insensitive); comments have none.
    private static string? Keyword(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.Length == 0 || trimmed[0] == '#')
        {
            return null;
        }
        var end = trimmed.IndexOfAny([' ', '\t', '=']);
        return (end < 0 ? trimmed : trimmed[..end]).ToLowerInvariant();
    }
}
