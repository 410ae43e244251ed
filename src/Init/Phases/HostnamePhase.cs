using CorralOS.Config;
using CorralOS.Linux;

namespace CorralOS.Init.Phases;

/// <summary>Sets the host name from the cmdline's hostname (cc.hostname=), else the default.</summary>
public sealed class HostnamePhase : IBootPhase
{
    public const string DefaultHostname = "corralos";

    public string Name => "hostname";

    public bool Required => false;

    public string Run(BootContext context)
    {
        var name = ConfigTree.GetString(context.Cmdline, "hostname");
        if (string.IsNullOrWhiteSpace(name))
        {
            name = DefaultHostname;
        }
        HostName.Set(name);
        Directory.CreateDirectory("/etc");
        File.WriteAllText("/etc/hostname", name + "\n");
        return name;
    }
}
