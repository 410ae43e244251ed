using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros engine list / switch / enable` (reference §6.2): the built-in User Docker (`docker`) and the catalog's engines
/// (podman). switch stops the service `docker` (its engine stops its containers) and recreates it from the chosen
/// engine's definition, here: the console is not touched. Each engine keeps its own data directory, so nothing of
/// the other's containers, images or volumes is lost.
/// </summary>
internal static class EngineApplet
{
    public static SwitchableApplet Commands { get; } = new(
        SwitchableService.Engine,
        "List, switch and enable User Docker engines (docker, podman)",
        "Replace the running User Docker engine by another now (and at every boot); user containers stop, each engine keeps its own",
        ["stop the running engine and every container it runs", "start the other engine on the same socket (/var/run/docker.sock)"],
        async (ctx, _, engine, cancellationToken) =>
        {
            var project = await ProjectLoader.LoadAsync(Engines.Switchable.With(ctx.Config, engine), ctx.Catalog, cancellationToken);
            var services = project.Services;
            var manager = ctx.Manager();
            await manager.StopAsync(services, [Engines.Service], null, cancellationToken);
            var report = await manager.UpAsync(services, new UpOptions { Only = [Engines.Service], Recreate = RecreateMode.Always }, cancellationToken);
            foreach (var (service, problem) in report.Failures)
            {
                ctx.Error.WriteLine($"engine: {service}: {problem}");
            }
            if (report.Failures.Count > 0)
            {
                return 1;
            }
            ctx.Output.WriteLine($"switched to engine {engine}; 'wait-for-docker' waits until it answers");
            return 0;
        });

    public static Applet Create() => Commands.Create();
}
