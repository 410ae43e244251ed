using System.Diagnostics;

namespace CorralOS.Network.Tests;

/// <summary>
/// Two network namespaces of the test's own joined by a veth pair: "server" (srv0, 10.99.0.1/24, optionally dnsmasq
/// serving DHCP) and "client" (eth0 with a fixed MAC), where netconf runs. netconf runs as `ros netconf` inside the
/// client namespace with a private UTS namespace (its host name stays there) and private mounts: dhcpcd's /run/dhcpcd
/// and /var/lib/dhcpcd are the lab's directories. resolv.conf, hosts and the proxy file are the lab's files. No
/// traffic leaves the two namespaces.
/// </summary>
internal sealed class NetworkLab : IDisposable
{
    public const string ClientMac = "02:00:00:99:00:02";
    public const string DhcpHostName = "dhcp-named";
    public const string DhcpNameserver = "10.99.0.53";
    public const string DhcpSearch = "lab.test";
    public const string Router = "10.99.0.1";

    // Mounts the lab's dhcpcd directories over the real ones in this private mount namespace, then runs the command.
    // /run itself stays: dhcpcd finds its namespace's name in /run/netns and then leaves udev out (udev does not
    // manage links of other namespaces; with udev loaded dhcpcd waits for it and reports "interface not found").
    // The mount point /run/dhcpcd is created empty on the host if missing, as dhcpcd itself would.
    // dhcpcd's plugin directory is hidden, as the network image leaves it out: without --nodev, dhcpcd 9.4.1's
    // manager crashes there (docs/network.md).
    private const string Wrapper = """
        set -e
        mkdir -p /run/dhcpcd
        mount --bind "$LAB/run" /run/dhcpcd
        mount --bind "$LAB/lib" /var/lib/dhcpcd
        if [ -d /usr/lib/x86_64-linux-gnu/dhcpcd ]; then mount -t tmpfs -o ro tmpfs /usr/lib/x86_64-linux-gnu/dhcpcd; fi
        exec "$@"
        """;

    private static int s_count;
    private readonly List<Process> _processes = [];
    private Process? _dnsmasq;

    public NetworkLab()
    {
        var id = $"{Environment.ProcessId}-{Interlocked.Increment(ref s_count)}";
        Server = $"corral-s-{id}";
        Client = $"corral-c-{id}";
        Directory = System.IO.Directory.CreateTempSubdirectory("corralos-netlab-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "run"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "lib"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "root/var/lib/rancher/conf"));
        Tool.Check("ip", "netns", "add", Server);
        Tool.Check("ip", "netns", "add", Client);
        Tool.Check("ip", "-n", Server, "link", "add", "srv0", "type", "veth", "peer", "name", "eth0", "netns", Client);
        Tool.Check("ip", "-n", Client, "link", "set", "eth0", "address", ClientMac);
        Tool.Check("ip", "-n", Server, "addr", "add", "10.99.0.1/24", "dev", "srv0");
        Tool.Check("ip", "-n", Server, "link", "set", "srv0", "up");
    }

    public string Server { get; }

    public string Client { get; }

    public string Directory { get; }

    public string ResolvConf => Path.Combine(Directory, "resolv.conf");

    public string Hosts => Path.Combine(Directory, "hosts");

    public string ProxyEnv => Path.Combine(Directory, "proxy.env");

    public string Log => Path.Combine(Directory, "commands.log");

    /// <summary>netconf's "every DHCP link has its lease" file.</summary>
    public string ConfiguredFile => Path.Combine(Directory, "network-configured");

    private string CloudConfig => Path.Combine(Directory, "root/var/lib/rancher/conf/cloud-config.yml");

    private static string Ros => Path.Combine(AppContext.BaseDirectory, "ros");

    /// <summary>Starts dnsmasq in the server namespace and waits until it says DHCP is served.</summary>
    public void StartDhcpServer(string nameserver = DhcpNameserver)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["netns", "exec", Server, "dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null",
            "--no-resolv", "--no-hosts", "--port=0", "--interface=srv0", "--bind-interfaces",
            "--dhcp-range=10.99.0.100,10.99.0.150,255.255.255.0,1h", $"--dhcp-option=option:router,{Router}",
            $"--dhcp-option=option:dns-server,{nameserver}", $"--dhcp-option=option:domain-search,{DhcpSearch}",
            $"--dhcp-host={ClientMac},{DhcpHostName}", $"--dhcp-leasefile={Directory}/dnsmasq.leases", $"--pid-file={Directory}/dnsmasq.pid"])
        {
            info.ArgumentList.Add(argument);
        }
        var dnsmasq = Process.Start(info)!;
        _processes.Add(dnsmasq);
        _dnsmasq = dnsmasq;
        _ = dnsmasq.StandardOutput.ReadToEndAsync();
        string? line;
        while ((line = dnsmasq.StandardError.ReadLine()) is not null && !line.Contains("DHCP, IP range", StringComparison.Ordinal))
        {
        }
        if (line is null)
        {
            throw new InvalidOperationException($"dnsmasq did not start (exit {(dnsmasq.WaitForExit(5000) ? dnsmasq.ExitCode : -1)})");
        }
        _ = dnsmasq.StandardError.ReadToEndAsync();
    }

    /// <summary>Ends the running dnsmasq (the lease file stays, so a new one hands out the same address).</summary>
    public void StopDhcpServer()
    {
        _dnsmasq?.Kill();
        _dnsmasq?.WaitForExit();
        _dnsmasq = null;
    }

    /// <summary>Makes the client's dhcpcd renew its lease now (SIGUSR1), as it does by itself at half the lease time.</summary>
    public void RenewLease()
    {
        var pid = int.Parse(File.ReadAllText(Path.Combine(Directory, "run/pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Linux.Processes.Kill(pid, Linux.Signals.SIGUSR1); // dhcpcd: SIGUSR1 renews (SIGALRM would release)
    }

    public void WriteConfig(string yaml) => File.WriteAllText(CloudConfig, yaml);

    /// <summary>The kernel command line netconf's config loader reads (root/proc/cmdline under the lab's config root).</summary>
    public void WriteKernelCmdline(string cmdline)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "root/proc"));
        File.WriteAllText(Path.Combine(Directory, "root/proc/cmdline"), cmdline + "\n");
    }

    /// <summary>`ros netconf` once in the client namespace with the lab's files.</summary>
    public ProcessResult RunNetconf(params string[] extra) => Tool.Run("ip", NetconfCommand(extra));

    /// <summary>`ros netconf --daemon` in the client namespace; stdout is read line by line by the caller.</summary>
    public Process StartDaemon()
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in NetconfCommand(["--daemon"]))
        {
            info.ArgumentList.Add(argument);
        }
        var daemon = Process.Start(info)!;
        _processes.Add(daemon);
        return daemon;
    }

    /// <summary>`ip ARGS` run against the client namespace.</summary>
    public string ClientIp(params string[] arguments) => Tool.Check("ip", ["-n", Client, .. arguments]);

    /// <summary>A file of the client namespace's sysfs (ip netns exec mounts the namespace's /sys).</summary>
    public string ClientSys(string path) => Tool.Check("ip", "netns", "exec", Client, "cat", Path.Combine("/sys", path)).Trim();

    public void AddClientVethPair(string name, string peer, string? mac = null)
    {
        ClientIp("link", "add", name, "type", "veth", "peer", "name", peer);
        if (mac is not null)
        {
            ClientIp("link", "set", name, "address", mac);
        }
    }

    public void Dispose()
    {
        StopDhcpcd();
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
        }
        Tool.Run("ip", "netns", "del", Client);
        Tool.Run("ip", "netns", "del", Server);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string[] NetconfCommand(IEnumerable<string> extra) =>
    [
        "netns", "exec", Client, "unshare", "--uts", "env", $"LAB={Directory}", "sh", "-c", Wrapper, "sh",
        Ros, "netconf", "--root", Path.Combine(Directory, "root"),
        "--resolv-conf", ResolvConf, "--hosts", Hosts, "--proxy-env", ProxyEnv, "--configured-file", ConfiguredFile, .. extra,
    ];

    /// <summary>dhcpcd stays after a one-shot netconf (it renews the lease); end the manager the lab started, by its pid file.</summary>
    private void StopDhcpcd()
    {
        foreach (var pidFile in System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "run"), "*pid"))
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                try
                {
                    using var dhcpcd = Process.GetProcessById(pid);
                    // SIGTERM, so the manager also ends its privilege-separation helpers; SIGKILL if it does not.
                    Linux.Processes.Kill(pid, Linux.Signals.SIGTERM);
                    if (!dhcpcd.WaitForExit(10_000))
                    {
                        dhcpcd.Kill();
                    }
                }
                catch (Exception e) when (e is ArgumentException or IOException)
                {
                    // Already gone.
                }
            }
        }
    }
}
