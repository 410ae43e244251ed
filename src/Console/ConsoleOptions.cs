using CorralOS.Config;

namespace CorralOS.Console;

/// <summary>
/// Where console-init reads and writes, and which programs it runs. Every path defaults to the console container's
/// own; <see cref="Under"/> moves them all below one directory so tests run against a temporary tree.
/// </summary>
public sealed record ConsoleOptions
{
    /// <summary>The container's root: write_files paths are taken relative to it.</summary>
    public string Root { get; init; } = "/";

    public string Etc { get; init; } = "/etc";

    public string Home { get; init; } = "/home";

    public string Run { get; init; } = "/run";

    public string Dev { get; init; } = "/dev";

    /// <summary>Where ros is (bind-mounted from the host) and where the applet links go.</summary>
    public string UsrBin { get; init; } = "/usr/bin";

    /// <summary>Holds rancher/bin/start.sh.</summary>
    public string Opt { get; init; } = "/opt";

    /// <summary>The kernel command line, read raw for console=, rancher.password= and rancher.autologin=.</summary>
    public string Cmdline { get; init; } = "/proc/cmdline";

    /// <summary>The config layers (/var/lib/rancher/conf, /usr/share/ros, the cmdline layer) and the writable store.</summary>
    public ConfigPaths Config { get; init; } = new();

    /// <summary>The banner's first line in /etc/issue.</summary>
    public string Version { get; init; } = "unknown";

    public string SshKeygen { get; init; } = "ssh-keygen";

    public string Sshd { get; init; } = "/usr/sbin/sshd";

    /// <summary>Busybox runs getty (Debian's busybox package links no applets, so it is called by its own name).</summary>
    public string Busybox { get; init; } = "/bin/busybox";

    /// <summary>The program getty runs for rancher.autologin (the `autologin` applet's link to ros).</summary>
    public string Autologin { get; init; } = "/usr/bin/autologin";

    public string Shell { get; init; } = "/bin/sh";

    /// <summary>Turn kernel messages off on the consoles (dmesg -n 1); tests leave the host's level alone.</summary>
    public bool QuietKernelConsole { get; init; } = true;

    /// <summary>Where progress and errors go.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    public string RespawnConf => Path.Combine(Etc, "respawn.conf");

    public string CloudConfigScript => Path.Combine(Config.ConfDirectory, "cloud-config-script");

    public static ConsoleOptions Under(string root) => new()
    {
        Root = root,
        Etc = Path.Combine(root, "etc"),
        Home = Path.Combine(root, "home"),
        Run = Path.Combine(root, "run"),
        Dev = Path.Combine(root, "dev"),
        Opt = Path.Combine(root, "opt"),
        UsrBin = Path.Combine(root, "usr/bin"),
        Cmdline = Path.Combine(root, "proc/cmdline"),
        Config = new ConfigPaths(root),
    };

    /// <summary>An absolute path inside the container (a write_files target) under <see cref="Root"/>.</summary>
    public string InRoot(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));
}
