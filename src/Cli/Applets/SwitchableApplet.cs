using System.CommandLine;
using CorralOS.Compose;
using CorralOS.Config;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros console` and `ros engine` (reference §2.1, §6): `list`, `enable NAME` (stage the image, set the config key for
/// the next boot) and `switch [-f] NAME` (that, then <see cref="SwitchNow"/> replaces the running service) over a
/// <see cref="SwitchableService"/>. What differs between the two is in the fields.
/// </summary>
/// <param name="Summary">The applet's one-line help.</param>
/// <param name="SwitchSummary">switch's one-line help.</param>
/// <param name="Warning">What a switch does, shown before asking (without -f).</param>
/// <param name="SwitchNow">Replaces the running service once the image is staged and the config set; returns the exit code.</param>
internal sealed record SwitchableApplet(
    SwitchableService Switchable,
    string Summary,
    string SwitchSummary,
    IReadOnlyList<string> Warning,
    Func<ServiceContext, EngineClient, string, CancellationToken, Task<int>> SwitchNow)
{
    private string Noun => Switchable.Noun;

    public Applet Create() => new(Noun, Summary, command =>
    {
        var host = HostOption.SystemDocker(recursive: true);
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
            parse.InvocationConfiguration.Error.WriteLine($"{Noun}: a subcommand is required; see 'ros {Noun} --help'");
            return 2;
        });
    }, OwnName: false);

    private Command List(Func<ParseResult, bool, ServiceContext> context)
    {
        var update = new Option<bool>("--update", "-u") { Description = "Fetch the catalogs' index again instead of using the cache" };
        var command = new Command("list", $"Print each {Noun} as 'current NAME', 'enabled NAME' (next boot) or 'disabled NAME'") { update };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, parse.GetValue(update));
            var all = Switchable.All(await ctx.Catalog.NamesOfAsync(Switchable, cancellationToken));
            ctx.ReportCatalogWarnings();
            var current = await CurrentAsync(ctx.Engine(ServiceScope.System), cancellationToken);
            foreach (var (state, name) in SwitchableService.States(all, current, Switchable.Enabled(ctx.Config)))
            {
                ctx.Output.WriteLine($"{state} {name}");
            }
            return 0;
        }));
        return command;
    }

    private Command Enable(Func<ParseResult, bool, ServiceContext> context)
    {
        var name = NameArgument();
        var command = new Command("enable", $"Stage a {Noun}'s image and make it the {Noun} of the next boot ({Switchable.ConfigKey})") { name };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var chosen = parse.GetValue(name)!;
            if (await ServiceOfAsync(ctx, chosen, cancellationToken) is not { } service)
            {
                return 1;
            }
            await new MediumImageStaging(ctx, Switchable.IndexKey).StageAsync(service, cancellationToken);
            SetEnabled(ctx, chosen);
            return 0;
        }));
        return command;
    }

    private Command Switch(Func<ParseResult, bool, ServiceContext> context)
    {
        var name = NameArgument();
        var force = new Option<bool>("--force", "-f") { Description = $"Do not ask before replacing the running {Noun}" };
        var command = new Command("switch", SwitchSummary) { name, force };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var chosen = parse.GetValue(name)!;
            if (await ServiceOfAsync(ctx, chosen, cancellationToken) is not { } service)
            {
                return 1;
            }
            var engine = ctx.Engine(ServiceScope.System);
            if (await CurrentAsync(engine, cancellationToken) == chosen)
            {
                ctx.Output.WriteLine($"{Noun} {chosen} is already running");
                SetEnabled(ctx, chosen);
                return 0;
            }
            if (!parse.GetValue(force) && !Confirm(parse))
            {
                ctx.Error.WriteLine($"{Noun}: not switched");
                return 1;
            }
            await new MediumImageStaging(ctx, Switchable.IndexKey).StageAsync(service, cancellationToken);
            SetEnabled(ctx, chosen);
            return await SwitchNow(ctx, engine, chosen, cancellationToken);
        }));
        return command;
    }

    private Argument<string> NameArgument() => new("name") { Description = $"{Switchable.Default}, or {Article} {Noun} of the catalog (ros {Noun} list)" };

    private string Article => "aeiou".Contains(Noun[0], StringComparison.Ordinal) ? "an" : "a";

    private bool Confirm(ParseResult parse)
    {
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"Switching {Noun}s will");
        for (var i = 0; i < Warning.Count; i++)
        {
            output.WriteLine($"{i + 1}. {Warning[i]}");
        }
        output.Write("Continue [y/N]: ");
        output.Flush();
        var answer = System.Console.In.ReadLine()?.Trim();
        return answer is "y" or "Y" or "yes";
    }

    /// <summary>The flavour of the running service's container (its label; none is the built-in one), or null.</summary>
    internal async Task<string?> CurrentAsync(EngineClient engine, CancellationToken cancellationToken)
    {
        var details = await engine.InspectContainerAsync(Switchable.Service, cancellationToken);
        return details is { State.Running: true } ? details.Config.Labels?.GetValueOrDefault(Switchable.Label) ?? Switchable.Default : null;
    }

    /// <summary>The service the name selects, or null after printing `NAME is not a valid console|engine`.</summary>
    private async Task<ServiceDefinition?> ServiceOfAsync(ServiceContext ctx, string name, CancellationToken cancellationToken)
    {
        var valid = Switchable.All(await ctx.Catalog.NamesOfAsync(Switchable, cancellationToken)).Contains(name);
        ctx.ReportCatalogWarnings();
        if (!valid)
        {
            ctx.Error.WriteLine(Switchable.NotValid(name));
            return null;
        }
        var project = await ProjectLoader.LoadAsync(Switchable.With(ctx.Config, name), ctx.Catalog, cancellationToken);
        if (project.Services.FirstOrDefault(s => s.Name == Switchable.Service) is { } service)
        {
            return service;
        }
        foreach (var problem in project.Errors)
        {
            ctx.Error.WriteLine(problem.ToString());
        }
        ctx.Error.WriteLine($"{Noun} {name}: no service {Switchable.Service}");
        return null;
    }

    private void SetEnabled(ServiceContext ctx, string name) =>
        new CloudConfigStore(ctx.Paths).Update(tree => ConfigTree.Set(tree, Switchable.ConfigKey, name));
}
