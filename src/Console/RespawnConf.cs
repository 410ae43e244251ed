using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Step 4: the lines of /etc/respawn.conf. A busybox getty for each of tty1-tty6 that exists, one for each serial
/// console (ttyS*, ttyAMA*) named by console= on the kernel command line, auto-login on the ttys named by
/// rancher.autologin= (unless rancher.disable lists "autologin"), sshd when rancher.ssh.daemon is not false, then
/// every file of /etc/respawn.conf.d in name order, as it is.
/// </summary>
public static class RespawnConf
{
    public static string Render(ConsoleOptions options, ConsoleCmdline cmdline, IReadOnlyDictionary<string, object?> config)
    {
        var autologin = ConfigTree.GetStrings(config, "rancher.disable").Contains("autologin")
            ? []
            : cmdline.Values("rancher.autologin").ToHashSet(StringComparer.Ordinal);
        var lines = new List<string>();
        var ttys = new List<string>();
        for (var n = 1; n <= 6; n++)
        {
            if (File.Exists(Path.Combine(options.Dev, $"tty{n}")))
            {
                ttys.Add($"tty{n}");
                lines.Add(Getty(options, $"tty{n}", "38400", "linux", local: false, autologin.Contains($"tty{n}")));
            }
        }
        foreach (var (tty, speed) in cmdline.Consoles())
        {
            if (IsSerial(tty) && !ttys.Contains(tty))
            {
                ttys.Add(tty);
                lines.Add(Getty(options, tty, speed ?? "115200", "vt100", local: true, autologin.Contains(tty)));
            }
        }
        if (ConfigTree.Get(config, "rancher.ssh.daemon") is not false)
        {
            lines.Add($"{options.Sshd} -D -e");
        }
        var included = Path.Combine(options.Etc, "respawn.conf.d");
        if (Directory.Exists(included))
        {
            foreach (var file in Directory.EnumerateFiles(included).Order(StringComparer.Ordinal))
            {
                lines.AddRange(File.ReadAllLines(file).Where(l => l.Trim().Length > 0));
            }
        }
        return string.Concat(lines.Select(l => l + "\n"));
    }

    private static bool IsSerial(string tty) =>
        tty.Length > 4 && (tty.StartsWith("ttyS", StringComparison.Ordinal) && tty[4..].All(char.IsAsciiDigit)
            || tty.StartsWith("ttyAMA", StringComparison.Ordinal) && tty.Length > 6 && tty[6..].All(char.IsAsciiDigit));

    // -L: a serial line has no carrier to wait for. -n -l: no login prompt; the autologin applet logs rancher in.
    private static string Getty(ConsoleOptions options, string tty, string speed, string term, bool local, bool autologin) =>
        string.Join(' ', new[]
        {
            options.Busybox, "getty",
            local ? "-L" : null,
            autologin ? $"-n -l {options.Autologin}" : null,
            speed, tty, term,
        }.Where(w => w is not null));
}
