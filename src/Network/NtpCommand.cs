using CorralOS.Config.Model;

namespace CorralOS.Network;

/// <summary>
/// The chronyd command line the ntp system container runs, from rancher.ntp.servers. Debian's busybox has no ntpd
/// applet, so the image carries chrony. Directives go on the command line, which makes chronyd ignore any config file:
/// the config is the only source. chronyd stays in the foreground logging to stderr (-d), keeps root (-u root; the
/// container is the boundary and the image needs no _chrony user), steps the clock at start when it is more than a
/// second off (makestep, as RancherOS's `ntpd -g` did), keeps the RTC in sync, and opens no command port. Its pidfile
/// is named explicitly: it lives in the host's /run (the container binds it), so <c>ros ntp</c> can remove one left by a
/// chronyd that was killed (see <see cref="StalePidFile"/>).
/// </summary>
public static class NtpCommand
{
    /// <summary>When rancher.ntp.servers is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultServers = ["0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org", "3.pool.ntp.org"];

    /// <summary>chronyd's own default, written there explicitly.</summary>
    public const string DefaultPidFile = "/run/chrony/chronyd.pid";

    public static IReadOnlyList<string> Build(NtpConfig? config, string chronyd = "chronyd", string pidFile = DefaultPidFile)
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
        command.AddRange(["makestep 1.0 3", "rtcsync", "cmdport 0", $"pidfile {pidFile}"]);
        return command;
    }

    /// <summary>
    /// Removes a pidfile an earlier chronyd left behind; returns what it held, or null when there was none. chronyd
    /// removes its pidfile when it stops cleanly, but not when it is killed (the container stopped with SIGKILL after
    /// the stop timeout, e.g. by restart_services while the container was still starting). The file is in the host's
    /// /run and outlives the container, and a new container's PID namespace numbers its processes the same way again,
    /// so the old PID is usually the new chronyd's own: chronyd then says "Another chronyd may already be running" and
    /// exits, every time the restart policy starts it again. The ntp container runs one chronyd, so a pidfile found
    /// before it starts is always stale.
    /// </summary>
    public static string? StalePidFile(string pidFile)
    {
        if (!File.Exists(pidFile))
        {
            return null;
        }
        var held = File.ReadAllText(pidFile).Trim();
        File.Delete(pidFile);
        return held;
    }
}
