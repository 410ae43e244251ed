using CorralOS.Config;
using CorralOS.Linux;

namespace CorralOS.Init.Phases;

/// <summary>
/// Sets the host name from the cmdline's hostname (cc.hostname=), else the default, and writes
/// /etc/hostname and /etc/hosts so the name resolves locally.
/// </summary>
public sealed class HostnamePhase : IBootPhase
{
    public const string DefaultHostname = "corralos";

    public string Name => "hostname";

    public static string HostsFile(string hostname)
    {
        var shortName = hostname.Split('.')[0];
        var names = shortName == hostname ? hostname : $"{hostname} {shortName}";
        return $"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t{names}\n";
    }

    public bool Required => false;

    public string Run(BootContext context)
    {
        // As the network service does later (netconf): hostname, else rancher.defaults.hostname, so the two agree.
        var name = ConfigTree.GetString(context.Config, "hostname");
        if (string.IsNullOrWhiteSpace(name))
        {
            name = ConfigTree.GetString(context.Config, "rancher.defaults.hostname");
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            name = DefaultHostname;
        }
        HostName.Set(name);
        Directory.CreateDirectory("/etc");
        File.WriteAllText("/etc/hostname", name + "\n");
        File.WriteAllText("/etc/hosts", HostsFile(name));
        return name;
    }
}
