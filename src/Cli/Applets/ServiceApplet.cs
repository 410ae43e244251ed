using System.CommandLine;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros service` (alias `ros s`): the services of the compose project `os` as RancherOS's `ros service` managed them
/// (reference §2.1): list, enable, disable and delete edit rancher.services_include; up, create, start, stop, restart,
/// kill, rm, logs, ps and pull act on the containers through System Docker (or User Docker for scope user).
/// </summary>
internal static class ServiceApplet
{
    public static Applet Create() => new("service", "List, enable and run the system services (compose project os)", command =>
    {
        command.Aliases.Add("s");
        var host = HostOption.SystemDocker("System Docker's socket (services with io.rancher.os.scope: system)", recursive: true);
        var userHost = new Option<string>("--user-host")
        {
            Description = "User Docker's socket (every other service)",
            DefaultValueFactory = _ => EngineClient.UserDockerHost,
            Recursive = true,
        };
        var root = ConfigRoot.Option(recursive: true);
        command.Options.Add(host);
        command.Options.Add(userHost);
        command.Options.Add(root);
        ServiceContext Context(ParseResult parse, bool update = false)
        {
            var paths = ConfigRoot.Paths(parse.GetValue(root));
            return new ServiceContext(parse, paths, parse.GetValue(host)!, parse.GetValue(userHost)!, update);
        }

        command.Subcommands.Add(ServiceIncludeCommands.List(Context));
        command.Subcommands.Add(ServiceIncludeCommands.Enable(Context));
        command.Subcommands.Add(ServiceIncludeCommands.Disable(Context));
        command.Subcommands.Add(ServiceIncludeCommands.Delete(Context));
        foreach (var lifecycle in ServiceLifecycleCommands.All(Context))
        {
            command.Subcommands.Add(lifecycle);
        }
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Error.WriteLine("service: a subcommand is required; see 'ros service --help'");
            return 2;
        });
    }, OwnName: false);

    /// <summary>Runs an async action to its end; engine, catalog and service errors become one line and exit 1.</summary>
    public static int Run(ParseResult parse, Func<CancellationToken, Task<int>> action)
    {
        try
        {
            return action(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            parse.InvocationConfiguration.Error.WriteLine($"service: {e.Message}");
            return 1;
        }
    }
}
