using System.CommandLine;
using CorralOS.Config;
using CorralOS.Engine.Client;
using CorralOS.Init.Storage;
using CorralOS.Install;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros os list`, `ros os upgrade` and `ros os rollback` (docs/upgrade.md). Typed in the console or PID 1's shell, they
/// find the installed /boot on the state filesystem through PID 1's root; the upgrade's writing is done by the new
/// OS image's own ros in a System Docker container (as `ros install` does), onto the host's /state bound in.
/// </summary>
internal static class OsUpgradeCommands
{
    /// <summary>Names another filesystem holding /boot, seen at the same path by ros and System Docker (tests).</summary>
    private const string BootRootVariable = "CORRALOS_BOOT_ROOT";

    /// <summary>The state filesystem as the host names it (bound into the upgrade container at that path).</summary>
    private static string HostBootRoot => Environment.GetEnvironmentVariable(BootRootVariable) is { Length: > 0 } root ? root : Persistence.StateMount;

    /// <summary>The same, seen from wherever ros runs: PID 1's root is the host's, in a container or not.</summary>
    private static string VisibleBootRoot => Environment.GetEnvironmentVariable(BootRootVariable) is { Length: > 0 } root ? root : "/proc/1/root" + Persistence.StateMount;

    public static Command List()
    {
        var list = new Command("list", "List the OS images of the release index (rancher.upgrade.url)");
        list.SetAction(async (parse, cancellationToken) =>
        {
            foreach (var image in await OsReleaseIndex.LoadAsync(UpgradeUrl(), cancellationToken))
            {
                parse.InvocationConfiguration.Output.WriteLine(OsReleaseIndex.Tag(image) == ProductVersion.Value ? $"{image} running" : image);
            }
            return 0;
        });
        return list;
    }

    public static Command Rollback()
    {
        var rollback = new Command("rollback", "Boot the previous installed version by default again (or call off an upgrade not yet booted)");
        rollback.SetAction(parse =>
        {
            EnsureInstalled();
            parse.InvocationConfiguration.Output.WriteLine("os: " + BootRollback.Run(VisibleBootRoot));
            return 0;
        });
        return rollback;
    }

    public static Command Upgrade()
    {
        var upgrade = new Command("upgrade", "Write a new OS version beside the running one and boot it once; it stays if it reaches started with its health checks passed, else the machine reboots into the running version");
        var image = new Option<string?>("--image", "-i") { Description = "The OS image to upgrade to (registry reference or docker save archive; default: the last of the release index)" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask before upgrading or rebooting" };
        var noReboot = new Option<bool>("--no-reboot") { Description = "Do not reboot when done" };
        var stage = new Option<bool>("--stage", "-s") { Description = "Only pull the image; change nothing on disk" };
        var append = new Option<string?>("--append", "-a") { Description = "New kernel arguments for /boot/append (default: keep the installed ones)" };
        var upgradeConsole = new Option<bool>("--upgrade-console")
        {
            Description = "Also upgrade a persistent console (rancher.console, e.g. debian): stage the new version's console image first "
                + "(from the OS image's registry); at its first boot the console's /usr and /var start again from it, /etc and /root are kept. "
                + "Without it a persistent console keeps its image. The default console needs nothing (it is in every version)",
        };
        var installer = new Option<bool>(InstallerContainer.InstallerFlag) { Description = "Write the boot files (inside the OS image)", Hidden = true };
        var bootRoot = new Option<string>("--boot-root") { Description = "The filesystem holding /boot", Hidden = true, DefaultValueFactory = _ => Persistence.StateMount };
        var running = new Option<string?>("--running") { Description = "The running version", Hidden = true };
        foreach (var option in new Option[] { image, force, noReboot, stage, append, upgradeConsole, installer, bootRoot, running })
        {
            upgrade.Options.Add(option);
        }
        upgrade.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var progress = new Progress(output, "upgrade");
            if (parse.GetValue(installer))
            {
                BootUpgrade.Run(parse.GetValue(bootRoot)!, OsVersionFiles.Read(), parse.GetValue(running) ?? ProductVersion.Value, parse.GetValue(append), progress);
                return 0;
            }

            if (!parse.GetValue(stage))
            {
                EnsureInstalled();
            }
            var reference = parse.GetValue(image) ?? (await OsReleaseIndex.LoadAsync(UpgradeUrl(), cancellationToken)).LastOrDefault()
                ?? throw new InstallException("the release index lists no image");
            if (!parse.GetValue(force) && !InstallApplet.Confirm(output, $"Upgrade to {reference}?"))
            {
                parse.InvocationConfiguration.Error.WriteLine("ros os upgrade: not confirmed; nothing was changed");
                return 1;
            }
            using var engine = new EngineClient(Environment.GetEnvironmentVariable("SYSTEM_DOCKER_HOST") is { Length: > 0 } host ? host : EngineClient.SystemDockerHost);
            var osImage = await new OsImageSource(engine, progress).PrepareAsync(reference, cancellationToken);
            // Staged before any boot file is written: a console image that cannot be had fails the upgrade, disk untouched.
            var console = parse.GetValue(upgradeConsole) ? await new ConsoleUpgradeStaging(parse, engine, progress).StageAsync(reference, osImage, cancellationToken) : null;
            if (parse.GetValue(stage))
            {
                progress.Step($"staged {osImage}; nothing changed on disk");
                return 0;
            }
            // The new version's first boot gives the console's /usr and /var the new image's (or, without the flag, a
            // mark left by an earlier upgrade is dropped: the console stays as it is).
            var configRoot = ConfigRoot.Paths(null).Root;
            if (console is null)
            {
                PersistentConsoleImage.RemoveUpgradeMarker(configRoot);
            }
            else
            {
                PersistentConsoleImage.WriteUpgradeMarker(configRoot, console);
            }
            progress.Step($"writing the boot files with {osImage}");
            await using var stdout = new TextWriterStream(output);
            await using var stderr = new TextWriterStream(parse.InvocationConfiguration.Error);
            var code = await new InstallerContainer(engine).RunUpgradeAsync(osImage, HostBootRoot, ProductVersion.Value, parse.GetValue(append), stdout, stderr, cancellationToken);
            if (code != 0)
            {
                parse.InvocationConfiguration.Error.WriteLine($"ros os upgrade: the upgrade failed (exit {code}); see its lines above");
                return 1;
            }
            if (parse.GetValue(noReboot) || (!parse.GetValue(force) && !InstallApplet.Confirm(output, "Reboot now?")))
            {
                return 0;
            }
            progress.Step("rebooting");
            return PowerApplets.Execute(Linux.PowerAction.Reboot, force: false);
        });
        return upgrade;
    }

    private static void EnsureInstalled()
    {
        if (!File.Exists(Path.Combine(VisibleBootRoot, "boot", "grub", "grub.cfg")))
        {
            throw new InstallException($"no installed CorralOS: {HostBootRoot}/boot/grub/grub.cfg is missing (booted from the ISO or without a state disk?)");
        }
    }

    private static string UpgradeUrl()
    {
        var tree = new ConfigLoader(ConfigRoot.Paths(null)).Load().Tree;
        return ConfigTree.GetString(tree, "rancher.upgrade.url") ?? "";
    }
}
