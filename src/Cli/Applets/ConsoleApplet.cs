using System.CommandLine;
using CorralOS.Compose;
using CorralOS.Config;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros console list / switch / enable` (reference §2.1, §6.1): the default console and the catalog's persistent
/// ones. enable stages the image and sets rancher.console for the next boot; switch does that, then hands the
/// replacement of the running console to a one-off system container (<see cref="SwitchConsoleApplet"/>), since
/// stopping the console ends every process in it, this one included.
/// </summary>
internal static class ConsoleApplet
{
    public static Applet Create() => new("console", "List, switch and enable consoles (default, debian)", command =>
    {
        var host = new Option<string>("--host", "-H")
        {
            Description = "System Docker's socket",
            DefaultValueFactory = _ => EngineClient.SystemDockerHost,
            Recursive = true,
        };
        var root = ConfigRoot.Option(recursive: true);
        command.Options.Add(host);
        command.Options.Add(root);
        ServiceContext Context(ParseResult parse, bool update = false) =>
            new(parse, ConfigRoot.Paths(parse.GetValue(root)), parse.GetValue(host)!, EngineClient.UserDockerHost, update);

        command.Subcommands.Add(List(Context));
        command.Subcommands.Add(Switch(Context));
        command.Subcommands.Add(Enable(Context));
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Error.WriteLine("console: a subcommand is required; see 'ros console --help'");
            return 2;
        });
    }, OwnName: false);

    private static Command List(Func<ParseResult, bool, ServiceContext> context)
    {
        var update = new Option<bool>("--update", "-u") { Description = "Fetch the catalogs' index again instead of using the cache" };
        var command = new Command("list", "Print each console as 'current NAME', 'enabled NAME' (next boot) or 'disabled NAME'") { update };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, parse.GetValue(update));
            var all = Consoles.All(await ctx.Catalog.ConsoleNamesAsync(cancellationToken));
            ctx.ReportCatalogWarnings();
            var current = await CurrentAsync(ctx.Engine(ServiceScope.System), cancellationToken);
            foreach (var (state, name) in Consoles.States(all, current, Consoles.Enabled(ctx.Config)))
            {
                ctx.Output.WriteLine($"{state} {name}");
            }
            return 0;
        }));
        return command;
    }

    private static Command Enable(Func<ParseResult, bool, ServiceContext> context)
    {
        var name = NameArgument();
        var command = new Command("enable", "Stage a console's image and make it the console of the next boot (rancher.console)") { name };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var console = parse.GetValue(name)!;
            if (await ServiceOfAsync(ctx, console, cancellationToken) is not { } service)
            {
                return 1;
            }
            await new ConsoleImageStaging(ctx).StageAsync(service, cancellationToken);
            SetEnabled(ctx, console);
            return 0;
        }));
        return command;
    }

    private static Command Switch(Func<ParseResult, bool, ServiceContext> context)
    {
        var name = NameArgument();
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask before replacing the running console" };
        var command = new Command("switch", "Replace the running console by another now (and at every boot): the current console container is destroyed and you are logged out") { name, force };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var console = parse.GetValue(name)!;
            if (await ServiceOfAsync(ctx, console, cancellationToken) is not { } service)
            {
                return 1;
            }
            var engine = ctx.Engine(ServiceScope.System);
            if (await CurrentAsync(engine, cancellationToken) == console)
            {
                ctx.Output.WriteLine($"console {console} is already running");
                SetEnabled(ctx, console);
                return 0;
            }
            if (!parse.GetValue(force) && !Confirm(parse))
            {
                ctx.Error.WriteLine("console: not switched");
                return 1;
            }
            await new ConsoleImageStaging(ctx).StageAsync(service, cancellationToken);
            SetEnabled(ctx, console);
            await SwitchConsoleApplet.LaunchAsync(engine, console, cancellationToken);
            ctx.Output.WriteLine($"switching to console {console}; this session ends now");
            return 0;
        }));
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "default, or a console of the catalog (ros console list)" };

    private static bool Confirm(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine("Switching consoles will");
        output.WriteLine("1. destroy the current console container");
        output.WriteLine("2. log you out");
        output.Write("Continue [y/N]: ");
        output.Flush();
        var answer = System.Console.In.ReadLine()?.Trim();
        return answer is "y" or "Y" or "yes";
    }

    /// <summary>The flavour of the running console container (its io.rancher.os.console label), or null.</summary>
    internal static async Task<string?> CurrentAsync(EngineClient engine, CancellationToken cancellationToken)
    {
        var details = await engine.InspectContainerAsync(Consoles.Service, cancellationToken);
        return details is { State.Running: true } ? details.Config.Labels?.GetValueOrDefault(Consoles.Label) ?? Consoles.Default : null;
    }

    /// <summary>The `console` service the name selects, or null after printing `NAME is not a valid console`.</summary>
    private static async Task<ServiceDefinition?> ServiceOfAsync(ServiceContext ctx, string name, CancellationToken cancellationToken)
    {
        var valid = Consoles.All(await ctx.Catalog.ConsoleNamesAsync(cancellationToken)).Contains(name);
        ctx.ReportCatalogWarnings();
        if (!valid)
        {
            ctx.Error.WriteLine(Consoles.NotValid(name));
            return null;
        }
        var project = await ProjectLoader.LoadAsync(Consoles.WithConsole(ctx.Config, name), ctx.Catalog, cancellationToken);
        if (project.Services.FirstOrDefault(s => s.Name == Consoles.Service) is { } service)
        {
            return service;
        }
        foreach (var problem in project.Errors)
        {
            ctx.Error.WriteLine(problem.ToString());
        }
        ctx.Error.WriteLine($"console {name}: no service console");
        return null;
    }

    private static void SetEnabled(ServiceContext ctx, string name) =>
        new CloudConfigStore(ctx.Paths).Update(tree => ConfigTree.Set(tree, "rancher.console", name));
}
