using CorralOS.Config.Model;

namespace CorralOS.Network;

/// <summary>
/// The chronyd command line the ntp system container runs, from rancher.ntp.servers. Debian's busybox has no ntpd
/// applet, so the image carries chrony. Directives go on the command line, which makes chronyd ignore any config file:
/// the config is the only source. chronyd stays in the foreground logging to stderr (-d), keeps root (-u root; the
/// container is the boundary and the image needs no _chrony user), steps the clock at start when it is more than a
/// second off (makestep, as RancherOS's `ntpd -g` did), keeps the RTC in sync, and opens no command port.
/// </summary>
public static class NtpCommand
{
    /// <summary>When rancher.ntp.servers is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultServers = ["0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org", "3.pool.ntp.org"];

    public static IReadOnlyList<string> Build(NtpConfig? config, string chronyd = "chronyd")
    {
        var servers = config?.Servers?.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList() is { Count: > 0 } configured
            ? configured
            : DefaultServers;
        var command = new List<string> { chronyd, "-d", "-u", "root" };
        foreach (var server in servers)
        {
            if (server.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
            {
                throw new NetworkConfigException("ntp", "servers", $"'{server.ReplaceLineEndings(" ")}' contains a line break");
            }
            command.Add(server.Contains(' ', StringComparison.Ordinal) ? server : $"server {server} iburst");
        }
        command.AddRange(["makestep 1.0 3", "rtcsync", "cmdport 0"]);
        return command;
    }
}
