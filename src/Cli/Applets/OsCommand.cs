using System.CommandLine;
using CorralOS.Init.Storage;
using CorralOS.Linux;

namespace CorralOS.Cli.Applets;

/// <summary>`ros os`: the running OS version and what survives a reboot.</summary>
internal static class OsCommand
{
    public static Applet Create() => new("os", "The operating system: its version, upgrades and rollback, and what persists", command =>
    {
        var version = new Command("version", "Print the running CorralOS version");
        version.SetAction(parse => parse.InvocationConfiguration.Output.WriteLine(ProductVersion.Value));
        command.Subcommands.Add(version);
        command.Subcommands.Add(OsUpgradeCommands.List());
        command.Subcommands.Add(OsUpgradeCommands.Upgrade());
        command.Subcommands.Add(OsUpgradeCommands.Rollback());

        var persistence = new Command("persistence", "Print what is kept across reboots and whether this boot has a state disk");
        persistence.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine("Kept across reboots on the state disk:");
            foreach (var directory in Persistence.Directories)
            {
                output.WriteLine($"  {directory}");
            }
            output.WriteLine("Everything else (/, /etc, /usr, the default console, system containers) is rebuilt from the image at every boot.");
            output.WriteLine(DescribeState(Mounts.Read()));
        });
        command.Subcommands.Add(persistence);
    }, OwnName: false);

    /// <summary>
    /// On the host /state tells; in a container (the console) /state is not there, but the persistent directories
    /// bound in from the host still name the state disk as their source.
    /// </summary>
    internal static string DescribeState(IReadOnlyList<MountEntry> mounts)
    {
        if (mounts.FirstOrDefault(m => m.Target == Persistence.StateMount) is { } state)
        {
            return $"This boot: state disk {state.Source} ({state.FileSystemType}) mounted at {Persistence.StateMount}.";
        }
        if (mounts.LastOrDefault(m => Persistence.Directories.Contains(m.Target) && m.Source.StartsWith("/dev/", StringComparison.Ordinal)) is { } bound)
        {
            return $"This boot: state disk {bound.Source} ({bound.FileSystemType}), seen at {bound.Target}.";
        }
        return "This boot: no state disk; running from RAM, nothing persists.";
    }
}
