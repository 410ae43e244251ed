using System.CommandLine;
using CorralOS.Config;
using CorralOS.Console;
using CorralOS.Console.CloudInit;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `cloud-init-execute [--pre-console] [--console]`: applies the cloud-config (no flag: both parts). The console
/// part is console-init's: ssh_authorized_keys, write_files for the console, users, runcmd. The pre-console part
/// has nothing left to do here: rancher.sysctl is applied by PID 1; the keys it does not apply are named.
/// </summary>
internal static class CloudInitExecuteApplet
{
    public static Applet Create() => new("cloud-init-execute", "Apply the cloud-config's console part (keys, write_files, users, runcmd)", command =>
    {
        var preConsole = new Option<bool>("--pre-console", "-pre-console") { Description = "Only the part before the console starts" };
        var console = new Option<bool>("--console", "-console") { Description = "Only the console part" };
        var root = new Option<string?>("--root") { Description = "Work on a directory tree instead of / (testing)", Hidden = true };
        command.Options.Add(preConsole);
        command.Options.Add(console);
        command.Options.Add(root);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("cloud-init-execute runs on Linux only");
            }
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var both = !parse.GetValue(preConsole) && !parse.GetValue(console);
            if (both || parse.GetValue(preConsole))
            {
                output.WriteLine("cloud-init-execute: rancher.sysctl is applied by PID 1 at boot (sysctl phase), rancher.restart_services by PID 1 once the services are up");
                output.WriteLine("cloud-init-execute: rancher.resize_device is grown by PID 1 at boot (cloud-init phase, once)");
            }
            if (!(both || parse.GetValue(console)))
            {
                return 0;
            }
            var options = parse.GetValue(root) is { } tree ? ConsoleOptions.Under(Path.GetFullPath(tree)) : new ConsoleOptions();
            var problems = ConsoleCloudInit.Apply(options, new ConfigLoader(options.Config).Load().Model);
            foreach (var problem in problems)
            {
                error.WriteLine($"cloud-init-execute: {problem}");
            }
            return problems.Count > 0 ? 1 : 0;
        });
    });
}
