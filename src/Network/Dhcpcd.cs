using System.Globalization;

namespace CorralOS.Network;

/// <summary>
/// Debian's dhcpcd, as RancherOS ran it: `dhcpcd -MA4` (or the entry's dhcp_args) per interface, waiting for an
/// address (-w) up to dhcp_timeout. netconf writes resolv.conf and the host name itself from the lease, so the hooks
/// that would write them are always off; dhcpcd keeps running in the background to renew the lease. The DNS and host
/// name options are requested on the command line: without /etc/dhcpcd.conf (the network image has none) dhcpcd
/// would not ask for them. --nodev because the image has no /dev plugin directory (the udev plugin is left out):
/// dhcpcd 9.4.1 in manager mode (-M) then takes fd 0 for the plugin's descriptor, finds it readable and the manager
/// crashes (NULL plugin), leaving the launcher waiting for a lease forever. --nodelay skips dhcpcd's random wait
/// before its first DISCOVER (RFC 2131's desynchronisation of many clients powered on at once), which cost 1 to 5 s of
/// every boot while the services after the network wait for it. --script /dev/null (dhcpcd's "no script") unless the
/// entry's dhcp_args name a script: with its own hooks off, Debian's dhcpcd-run-hooks would only run the NTP hooks,
/// for daemons the network image does not have, yet it starts a shell per lease event (0.3 to 0.4 s of the boot's
/// wait for the network under software emulation).
/// </summary>
internal sealed class Dhcpcd
{
    private const string RequestedOptions = "domain_name_servers,domain_name,domain_search,host_name";

    private static readonly string[] s_defaultArgs = ["dhcpcd", "-MA4"];

    // dhcpcd's launcher answers by itself when --timeout passes; past this margin its manager is gone (a crash) and
    // the launcher would wait forever.
    private static readonly TimeSpan s_answerMargin = TimeSpan.FromSeconds(30);

    private readonly string _program;
    private readonly string _leaseDirectory;

    public Dhcpcd(string program, string leaseDirectory)
    {
        _program = program;
        _leaseDirectory = leaseDirectory;
    }

    /// <summary>The full command line for one interface (the first word is the program).</summary>
    public IReadOnlyList<string> CommandLine(InterfaceSettings settings, string link, int timeoutSeconds)
    {
        var words = settings.DhcpArgs.Count > 0 ? settings.DhcpArgs : s_defaultArgs;
        var command = new List<string> { words[0] == "dhcpcd" ? _program : words[0] };
        command.AddRange(words.Skip(1));
        if (!words.Any(w => w is "-c" or "--script" || w.StartsWith("--script=", StringComparison.Ordinal)))
        {
            command.AddRange(["--script", "/dev/null"]);
        }
        command.AddRange(["--nodev", "--nodelay", "--option", RequestedOptions, "--nohook", "resolv.conf", "--nohook", "hostname", "--timeout", timeoutSeconds.ToString(CultureInfo.InvariantCulture), "-w", link]);
        return command;
    }

    /// <summary>Starts DHCP on the link and waits for the lease (or dhcpcd's timeout); returns a problem or null.</summary>
    public string? Start(InterfaceSettings settings, string link, int timeoutSeconds)
    {
        var command = CommandLine(settings, link, timeoutSeconds);
        var result = ProcessRunner.Run(command[0], command.Skip(1), TimeSpan.FromSeconds(timeoutSeconds) + s_answerMargin);
        if (result is null)
        {
            return $"{link}: dhcp: {Path.GetFileName(command[0])} gave no answer within {timeoutSeconds} s plus {s_answerMargin.TotalSeconds} s (stopped waiting; see the system log)";
        }
        return result.ExitCode == 0 ? null : $"{link}: dhcp: {Path.GetFileName(command[0])} exited with {result.ExitCode}: {result.LastLine}";
    }

    /// <summary>The link's current IPv4 lease from dhcpcd's lease file; null when it has none (yet, or while it renews).</summary>
    public DhcpLease? Lease(string link) => DhcpLeaseFile.Read(Path.Combine(_leaseDirectory, link + ".lease"));

    /// <summary>Stops the dhcpcd manager (the daemon's SIGTERM); leases are not released.</summary>
    public void Stop() => ProcessRunner.Run(_program, ["-x"]);
}
