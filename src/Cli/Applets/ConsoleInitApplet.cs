using System.CommandLine;
using CorralOS.Console;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `console-init`: the console container's command. Prepares the console (users' homes, password, SSH host keys,
/// respawn.conf, sshd_config, issue, profile, the console part of cloud-config, start scripts; docs/console.md),
/// then runs respawn on /etc/respawn.conf in this process until SIGTERM, making a missing RSA host key meanwhile.
/// </summary>
internal static class ConsoleInitApplet
{
    public static Applet Create() => new("console-init", "Prepare the console container and run its gettys and sshd (the console's command)", command =>
    {
        var root = new Option<string?>("--root") { Description = "Work on a directory tree instead of / (testing)", Hidden = true };
        var prepareOnly = new Option<bool>("--no-respawn") { Description = "Prepare, then exit instead of running respawn" };
        command.Options.Add(root);
        command.Options.Add(prepareOnly);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("console-init runs on Linux only");
            }
            var error = parse.InvocationConfiguration.Error;
            var options = (parse.GetValue(root) is { } tree ? ConsoleOptions.Under(Path.GetFullPath(tree)) with { QuietKernelConsole = false } : new ConsoleOptions())
                with { Version = ProductVersion.Value, Log = error };
            if (parse.GetValue(prepareOnly))
            {
                ConsoleInit.Prepare(options);
                return 0;
            }
            // sshd answers with the keys made at once; the slow RSA key is made while respawn runs.
            var laterHostKeys = new List<string>();
            ConsoleInit.Prepare(options, laterHostKeys);
            _ = SshHostKeys.GenerateLater(options, laterHostKeys);
            return RespawnApplet.Run(options.RespawnConf, error);
        });
    });
}
