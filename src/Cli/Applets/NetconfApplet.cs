using System.CommandLine;
using System.Runtime.InteropServices;
using CorralOS.Config;
using CorralOS.Network;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `netconf`: applies hostname and rancher.network once (exit 1 when anything failed), or with --daemon stays, as the
/// network system container runs it: re-applies the reloaded config on SIGHUP, rewrites resolv.conf and the host name
/// when a DHCP lease changes (dhcpcd's lease files, watched with inotify); SIGTERM stops it and its dhcpcd.
/// </summary>
internal static class NetconfApplet
{
    public static Applet Create() => new("netconf", "Apply rancher.network: links, addresses, routes, DHCP (dhcpcd), DNS, hostname, proxies", command =>
    {
        var daemon = new Option<bool>("--daemon") { Description = "Stay running: follow DHCP lease changes, re-apply the config on SIGHUP, stop DHCP on SIGTERM" };
        var root = ConfigRoot.Option();
        var defaults = new NetconfOptions();
        var resolvConf = new Option<string>("--resolv-conf") { Description = "Resolver file to write", DefaultValueFactory = _ => defaults.ResolvConf };
        var hosts = new Option<string>("--hosts") { Description = "Hosts file whose 127.0.1.1 line names this host", DefaultValueFactory = _ => defaults.Hosts };
        var proxyEnv = new Option<string>("--proxy-env") { Description = "Environment file for http_proxy, https_proxy, no_proxy", DefaultValueFactory = _ => defaults.ProxyEnvironment };
        var configured = new Option<string>("--configured-file") { Description = "File written once every DHCP link has its lease (PID 1 then stops waiting for a default route)", DefaultValueFactory = _ => defaults.ConfiguredFile };
        var dhcpcd = new Option<string>("--dhcpcd") { Description = "The dhcpcd program", DefaultValueFactory = _ => defaults.Dhcpcd };
        var noKernelHostname = new Option<bool>("--no-kernel-hostname") { Description = "Write the hosts file only; leave the kernel's host name alone" };
        command.Options.Add(daemon);
        command.Options.Add(root);
        command.Options.Add(resolvConf);
        command.Options.Add(hosts);
        command.Options.Add(proxyEnv);
        command.Options.Add(configured);
        command.Options.Add(dhcpcd);
        command.Options.Add(noKernelHostname);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("netconf runs on Linux only");
            }
            var paths = ConfigRoot.Paths(parse.GetValue(root));
            var options = new NetconfOptions
            {
                ResolvConf = parse.GetValue(resolvConf)!,
                Hosts = parse.GetValue(hosts)!,
                ProxyEnvironment = parse.GetValue(proxyEnv)!,
                ConfiguredFile = parse.GetValue(configured)!,
                Dhcpcd = parse.GetValue(dhcpcd)!,
                SetKernelHostName = !parse.GetValue(noKernelHostname),
            };
            var netconf = new Netconf(options);
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            bool ApplyOnce()
            {
                var config = new ConfigLoader(paths).Load();
                foreach (var problem in config.Problems.Where(p => !p.IsUnknownKey))
                {
                    error.WriteLine($"netconf: config: {problem} (layer skipped)");
                }
                var report = netconf.Apply(NetworkSettings.From(config.ModelOf(NetworkSettings.ConfigKeys)));
                foreach (var message in report.Messages)
                {
                    output.WriteLine($"netconf: {message}");
                }
                foreach (var problem in report.Problems)
                {
                    error.WriteLine($"netconf: {problem}");
                }
                return !report.Failed;
            }
            if (!parse.GetValue(daemon))
            {
                return ApplyOnce() ? 0 : 1;
            }
            return RunDaemon(ApplyOnce, netconf, options.DhcpLeaseDirectory, output, error);
        });
    });

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static int RunDaemon(Func<bool> apply, Netconf netconf, string leaseDirectory, TextWriter output, TextWriter error)
    {
        using var wake = new SemaphoreSlim(0);
        int hangUp = 0, leasesChanged = 0, stopping = 0;
        void Raise(ref int flag)
        {
            Volatile.Write(ref flag, 1);
            wake.Release();
        }
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Raise(ref hangUp);
        });
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            Raise(ref stopping);
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        var applyNow = true;
        FileSystemWatcher? leases = null;
        try
        {
            while (true)
            {
                if (applyNow)
                {
                    var ok = apply();
                    // The line a supervisor or test waits for: everything of this round has been applied.
                    output.WriteLine(ok ? "netconf: applied" : "netconf: applied with problems");
                    output.Flush();
                    // Watch only after the first apply: dhcpcd has made the directory, and its first leases are read.
                    leases ??= WatchLeases(leaseDirectory, () => Raise(ref leasesChanged));
                }
                wake.Wait();
                if (Volatile.Read(ref stopping) == 1)
                {
                    netconf.StopDhcp();
                    output.WriteLine("netconf: stopped");
                    return 0;
                }
                applyNow = Interlocked.Exchange(ref hangUp, 0) == 1;
                if (Interlocked.Exchange(ref leasesChanged, 0) == 1 && !applyNow)
                {
                    // A renewal: DNS and the host name follow the lease without a full apply.
                    var report = netconf.RefreshFromLeases();
                    foreach (var message in report.Messages)
                    {
                        output.WriteLine($"netconf: {message} (lease changed)");
                    }
                    foreach (var problem in report.Problems)
                    {
                        error.WriteLine($"netconf: {problem}");
                    }
                    output.Flush();
                }
            }
        }
        finally
        {
            leases?.Dispose();
        }
    }

    /// <summary>inotify on dhcpcd's lease files; null when the directory cannot be watched (no DHCP yet).</summary>
    private static FileSystemWatcher? WatchLeases(string directory, Action changed)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }
        var watcher = new FileSystemWatcher(directory, "*.lease") { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
        watcher.Changed += (_, _) => changed();
        watcher.Created += (_, _) => changed();
        watcher.Renamed += (_, _) => changed();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
