using System.CommandLine;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros switch-console NAME` (reference §6.1): run by `ros console switch` in a one-off system container
/// named switch-console, outside the console it replaces: recreates the service `console` from the current config
/// (rancher.console, already set). User Docker runs in its own container and is not touched, so user containers keep
/// running. Its lines stay in the container's log (`system-docker logs switch-console`) until the next switch.
/// </summary>
internal static class SwitchConsoleApplet
{
    public const string ContainerName = "switch-console";

    /// <summary>More than respawn's own 10 s between SIGTERM and SIGKILL for the console's children.</summary>
    private const int StopSeconds = 30;

    public static Applet Create() => new("switch-console", "Replace the running console (run by 'ros console switch')", command =>
    {
        var name = new Argument<string>("name") { Description = "The console rancher.console names" };
        var host = HostOption.SystemDocker();
        var root = ConfigRoot.Option();
        command.Arguments.Add(name);
        command.Options.Add(host);
        command.Options.Add(root);
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = new ServiceContext(parse, ConfigRoot.Paths(parse.GetValue(root)), parse.GetValue(host)!, EngineClient.UserDockerHost, update: false);
            var wanted = parse.GetValue(name)!;
            if (Consoles.Enabled(ctx.Config) != wanted)
            {
                ctx.Error.WriteLine($"switch-console: rancher.console is {Consoles.Enabled(ctx.Config)}, not {wanted}");
                return 1;
            }
            var services = await ctx.ServicesAsync(cancellationToken);
            // Stopped first, with time for console-init to end its gettys and sshd: the console shares the host's PID
            // namespace, so a SIGKILL (what removing a running container sends) would leave them behind and the
            // container would never count as stopped.
            await ctx.Manager().StopAsync(services, [Consoles.Service], StopSeconds, cancellationToken);
            var report = await ctx.Manager().UpAsync(services, new UpOptions { Only = [Consoles.Service], Recreate = RecreateMode.Always }, cancellationToken);
            foreach (var (service, problem) in report.Failures)
            {
                ctx.Error.WriteLine($"switch-console: {service}: {problem}");
            }
            return report.Failures.Count == 0 ? 0 : 1;
        }));
    }, OwnName: false);

    /// <summary>Starts the one-off container (os-base with ros and the system volumes, host PID and network) that runs the switch.</summary>
    public static async Task LaunchAsync(EngineClient engine, string console, CancellationToken cancellationToken)
    {
        if (await engine.InspectContainerAsync(ContainerName, cancellationToken) is { } previous)
        {
            await engine.RemoveContainerAsync(previous.Id, force: true, cancellationToken: cancellationToken);
        }
        var spec = new ContainerSpec
        {
            Image = $"corralos/os-base:{ProductVersion.Value}",
            Cmd = ["/usr/bin/ros", "switch-console", console],
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["io.rancher.os.scope"] = "system" },
            HostConfig = new HostSpec
            {
                NetworkMode = "host",
                PidMode = "host",
                Privileged = true,
                VolumesFrom = ["all-volumes"],
            },
        };
        var id = await engine.CreateContainerAsync(ContainerName, spec, cancellationToken);
        await engine.StartContainerAsync(id, cancellationToken);
    }
}
