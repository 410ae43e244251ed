using System.CommandLine;
using CorralOS.Config;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>`ros service list / enable / disable / delete`: rancher.services_include in cloud-config.yml, and the catalog.</summary>
internal static class ServiceIncludeCommands
{
    public static Command List(Func<ParseResult, bool, ServiceContext> context)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Also list the built-in services (rancher.services) as enabled" };
        var update = new Option<bool>("--update", "-u") { Description = "Fetch the catalogs' index again instead of using the cache" };
        var command = new Command("list", "Print each catalog and included service as 'enabled NAME' or 'disabled NAME'") { all, update };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, parse.GetValue(update));
            var includes = ProjectLoader.Includes(ctx.Config).ToDictionary(i => i.Name, i => i.Enabled, StringComparer.Ordinal);
            if (parse.GetValue(all) && ConfigTree.Get(ctx.Config, "rancher.services") is IReadOnlyDictionary<string, object?> builtIn)
            {
                foreach (var name in builtIn.Keys.Order(StringComparer.Ordinal))
                {
                    ctx.Output.WriteLine($"enabled {name}");
                }
            }
            foreach (var name in await ctx.Catalog.NamesAsync(cancellationToken))
            {
                ctx.Output.WriteLine($"{(includes.Remove(name, out var enabled) && enabled ? "enabled" : "disabled")} {name}");
            }
            foreach (var (name, enabled) in includes)
            {
                ctx.Output.WriteLine($"{(enabled ? "enabled" : "disabled")} {name}");
            }
            ctx.ReportCatalogWarnings();
            return 0;
        }));
        return command;
    }

    public static Command Enable(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names("Catalog names, local files under /var/lib/rancher/conf, or http(s) URLs");
        var command = new Command("enable", "Add services to rancher.services_include (started at next boot or by 'ros service up')") { names };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var requested = parse.GetValue(names)!;
            var problems = new List<string>();
            foreach (var name in requested)
            {
                if (await ctx.Catalog.ProblemWithAsync(name, cancellationToken) is { } problem)
                {
                    problems.Add(problem);
                }
            }
            ctx.ReportCatalogWarnings();
            if (problems.Count > 0)
            {
                problems.ForEach(ctx.Error.WriteLine);
                return 1;
            }
            // As RancherOS: the images of the services being enabled are staged before the config says so.
            var enabled = ProjectLoader.EnabledIncludes(ctx.Config).ToHashSet(StringComparer.Ordinal);
            var environment = Interpolation.Environment(ctx.Config);
            var staged = new List<CorralOS.Compose.ServiceDefinition>();
            foreach (var name in requested.Where(n => !enabled.Contains(n)))
            {
                if (await ctx.Catalog.ReadAsync(name, cancellationToken) is { } text)
                {
                    staged.AddRange(CorralOS.Compose.ComposeParser.ParseFile(text, name, environment).Services);
                }
            }
            await ctx.LoadSystemImagesAsync(staged, cancellationToken);
            await new ImageStager(ctx.Engine, ctx.WriteLine).StageAsync(staged, cancellationToken);
            return Update(ctx, includes =>
            {
                foreach (var name in requested)
                {
                    includes[name] = true;
                }
            });
        }));
        return command;
    }

    public static Command Disable(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names("Services in rancher.services_include");
        var command = new Command("disable", "Set services to false in rancher.services_include (their containers keep running)") { names };
        command.SetAction(parse =>
        {
            using var ctx = context(parse, false);
            return Update(ctx, includes =>
            {
                foreach (var name in parse.GetValue(names)!.Where(includes.ContainsKey))
                {
                    includes[name] = false;
                }
            });
        });
        return command;
    }

    public static Command Delete(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names("Services in rancher.services_include");
        var command = new Command("delete", "Remove services from rancher.services_include") { names };
        command.SetAction(parse =>
        {
            using var ctx = context(parse, false);
            return Update(ctx, includes =>
            {
                foreach (var name in parse.GetValue(names)!)
                {
                    includes.Remove(name);
                }
            });
        });
        return command;
    }

    private static Argument<string[]> Names(string description) => new("service") { Description = description, Arity = ArgumentArity.OneOrMore };

    // The include keys are paths and URLs with dots in them, so the map is edited directly, not through dotted keys.
    private static int Update(ServiceContext ctx, Action<Dictionary<string, object?>> change)
    {
        try
        {
            new CloudConfigStore(ctx.Paths).Update(tree =>
            {
                if (tree.GetValueOrDefault("rancher") is not Dictionary<string, object?> rancher)
                {
                    rancher = YamlDocument.NewTree();
                    tree["rancher"] = rancher;
                }
                if (rancher.GetValueOrDefault("services_include") is not Dictionary<string, object?> includes)
                {
                    includes = YamlDocument.NewTree();
                    rancher["services_include"] = includes;
                }
                change(includes);
            });
            return 0;
        }
        catch (ConfigValidationException e)
        {
            foreach (var problem in e.Problems)
            {
                ctx.Error.WriteLine(problem.ToString());
            }
            return 1;
        }
    }
}
