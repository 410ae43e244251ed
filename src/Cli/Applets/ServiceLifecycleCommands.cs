using System.CommandLine;
using CorralOS.Engine.Client;
using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>`ros service up / create / start / stop / restart / kill / rm / logs / ps / pull [service…]`: no names means every service.</summary>
internal static class ServiceLifecycleCommands
{
    public static IEnumerable<Command> All(Func<ParseResult, bool, ServiceContext> context)
    {
        yield return Up(context, "up", "Create what is missing, recreate what changed, start what is stopped (dependencies first, independent services in parallel)", createOnly: false);
        yield return Up(context, "create", "Create (or recreate) the services' containers without starting them", createOnly: true);
        yield return Start(context);
        yield return Stop(context, restart: false);
        yield return Stop(context, restart: true);
        yield return Kill(context);
        yield return Remove(context);
        yield return Logs(context);
        yield return Ps(context);
        yield return Pull(context);
    }

    private static Argument<string[]> Names() => new("service") { Description = "Service names (default: all)", Arity = ArgumentArity.ZeroOrMore };

    private static Command Up(Func<ParseResult, bool, ServiceContext> context, string name, string description, bool createOnly)
    {
        var names = Names();
        var noRecreate = new Option<bool>("--no-recreate") { Description = "Never recreate an existing container, even if it changed" };
        var forceRecreate = new Option<bool>("--force-recreate") { Description = "Recreate every container, even if it did not change" };
        var command = new Command(name, description) { names, noRecreate, forceRecreate };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            if (parse.GetValue(noRecreate) && parse.GetValue(forceRecreate))
            {
                throw new ArgumentException("--no-recreate and --force-recreate cannot be used together");
            }
            using var ctx = context(parse, false);
            var services = await ctx.ServicesAsync(cancellationToken);
            var only = parse.GetValue(names);
            await ctx.LoadSystemImagesAsync(only is { Length: > 0 } ? services.Where(s => only.Contains(s.Name)) : services, cancellationToken);
            var report = await ctx.Manager().UpAsync(services, new UpOptions
            {
                Only = only,
                CreateOnly = createOnly,
                Recreate = parse.GetValue(noRecreate) ? RecreateMode.Never : parse.GetValue(forceRecreate) ? RecreateMode.Always : RecreateMode.Changed,
            }, cancellationToken);
            report.ThrowIfFailed();
            return 0;
        }));
        return command;
    }

    private static Command Start(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names();
        var command = new Command("start", "Start the services' existing containers") { names };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            await ctx.Manager().StartAsync(await ctx.ServicesAsync(cancellationToken), parse.GetValue(names), cancellationToken);
            return 0;
        }));
        return command;
    }

    private static Command Stop(Func<ParseResult, bool, ServiceContext> context, bool restart)
    {
        var names = Names();
        var timeout = new Option<int>("--timeout", "-t") { Description = "Seconds to wait after the stop signal before SIGKILL", DefaultValueFactory = _ => 10 };
        var command = restart
            ? new Command("restart", "Stop, then start the services (dependents stop first)") { names, timeout }
            : new Command("stop", "Stop the services' containers, dependents first") { names, timeout };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var services = await ctx.ServicesAsync(cancellationToken);
            var manager = ctx.Manager();
            if (restart)
            {
                await manager.RestartAsync(services, parse.GetValue(names), parse.GetValue(timeout), cancellationToken);
            }
            else
            {
                await manager.StopAsync(services, parse.GetValue(names), parse.GetValue(timeout), cancellationToken);
            }
            return 0;
        }));
        return command;
    }

    private static Command Kill(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names();
        var signal = new Option<string>("--signal", "-s") { Description = "Signal to send", DefaultValueFactory = _ => "SIGKILL" };
        var command = new Command("kill", "Send a signal to the services' running containers") { names, signal };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            await ctx.Manager().KillAsync(await ctx.ServicesAsync(cancellationToken), parse.GetValue(names), parse.GetValue(signal), cancellationToken);
            return 0;
        }));
        return command;
    }

    private static Command Remove(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names();
        var force = new Option<bool>("--force", "-f") { Description = "Also remove running containers (killed first)" };
        var volumes = new Option<bool>("-v") { Description = "Also remove anonymous volumes (System Docker has none to remove yet)" };
        var command = new Command("rm", "Remove the services' containers") { names, force, volumes };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            await ctx.Manager().RemoveAsync(await ctx.ServicesAsync(cancellationToken), parse.GetValue(names), parse.GetValue(force), parse.GetValue(volumes), cancellationToken);
            return 0;
        }));
        return command;
    }

    private static Command Logs(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing until the containers stop" };
        var lines = new Option<int>("--lines") { Description = "Lines from the end of each log", DefaultValueFactory = _ => 100 };
        var command = new Command("logs", "Print the services' container logs (several services: each line prefixed 'name | ')") { names, follow, lines };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var containers = await ctx.Manager().ContainersAsync(await ctx.ServicesAsync(cancellationToken), parse.GetValue(names), cancellationToken);
            var width = containers.Count == 0 ? 0 : containers.Max(c => c.Service.Name.Length);
            await Task.WhenAll(containers.Select(async c =>
            {
                var prefix = containers.Count > 1 ? c.Service.Name.PadRight(width) + " | " : null;
                await using var stdout = new TextWriterStream(ctx.Output, prefix);
                await using var stderr = new TextWriterStream(ctx.Error, prefix);
                await ctx.Engine(c.Service.Rancher.ServiceScope).LogsAsync(c.Container.Id, stdout, stderr, parse.GetValue(follow), parse.GetValue(lines), cancellationToken: cancellationToken);
            }));
            return 0;
        }));
        return command;
    }

    private static Command Ps(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names();
        var quiet = new Option<bool>("-q") { Description = "Only container IDs" };
        var command = new Command("ps", "List the services' containers: name, service, scope, image, status") { names, quiet };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var services = await ctx.ServicesAsync(cancellationToken);
            var selected = parse.GetValue(names) is { Length: > 0 } only ? services.Where(s => only.Contains(s.Name)).ToList() : services.ToList();
            var rows = new List<string[]>();
            foreach (var scope in selected.Select(s => s.Rancher.ServiceScope).Distinct())
            {
                var listed = await ctx.Engine(scope).ListContainersAsync(all: true, [$"{ManagedLabels.Project}={ManagedLabels.DefaultProject}"], cancellationToken);
                foreach (var service in selected.Where(s => s.Rancher.ServiceScope == scope))
                {
                    if (listed.FirstOrDefault(c => c.Name == service.EffectiveContainerName) is { } container)
                    {
                        rows.Add([container.Name, service.Name, scope.ToString().ToLowerInvariant(), container.Image, container.Status, container.Id]);
                    }
                }
            }
            if (parse.GetValue(quiet))
            {
                rows.ForEach(r => ctx.Output.WriteLine(r[5]));
                return 0;
            }
            WriteTable(ctx.Output, ["NAME", "SERVICE", "SCOPE", "IMAGE", "STATUS"], rows.Select(r => r[..5]));
            return 0;
        }));
        return command;
    }

    private static Command Pull(Func<ParseResult, bool, ServiceContext> context)
    {
        var names = Names();
        var ignore = new Option<bool>("--ignore-pull-failures") { Description = "Report failed pulls but exit 0" };
        var command = new Command("pull", "Pull the services' images into their engine") { names, ignore };
        command.SetAction(parse => ServiceApplet.Run(parse, async cancellationToken =>
        {
            using var ctx = context(parse, false);
            var services = await ctx.ServicesAsync(cancellationToken);
            var failed = 0;
            foreach (var service in parse.GetValue(names) is { Length: > 0 } only ? services.Where(s => only.Contains(s.Name)) : services)
            {
                try
                {
                    ctx.Output.WriteLine($"{service.Name}: pulling {service.Image}");
                    await ctx.Engine(service.Rancher.ServiceScope).PullImageAsync(service.Image!, cancellationToken);
                }
                catch (EngineApiException e)
                {
                    ctx.Error.WriteLine($"{service.Name}: {e.Message}");
                    failed++;
                }
            }
            return failed > 0 && !parse.GetValue(ignore) ? 1 : 0;
        }));
        return command;
    }

    private static void WriteTable(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
