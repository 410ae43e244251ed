using System.Globalization;
using System.Text.Json;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Containers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>/containers: create, list, inspect, start, stop, kill, restart, wait, remove, rename, logs, attach.</summary>
public static class ContainerEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, ContainerEngine engine, ContainerViews views)
    {
        routes.MapPost("/containers/create", async context =>
        {
            ContainerCreateRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync(context.Request.Body, ApiJson.Default.ContainerCreateRequest, context.RequestAborted);
            }
            catch (JsonException e)
            {
                throw new InvalidArgumentException($"invalid JSON: {e.Message}", e);
            }
            var container = engine.Create(context.Request.Query["name"], request ?? throw new InvalidArgumentException("config cannot be empty in order to create a container"));
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new ContainerCreateResponse(container.Id, []), ApiJson.Default.ContainerCreateResponse);
        });

        routes.MapGet("/containers/json", context =>
        {
            var filter = ContainerFilter.Parse(context.Request.Query["filters"]);
            var list = filter.Apply(engine.Store.List(), Flag(context, "all")).ToList();
            if (int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var limit) && limit > 0)
            {
                list = list.Take(limit).ToList();
            }
            return context.Response.WriteAsJsonAsync(list.Select(ContainerViews.Summary).ToList(), ApiJson.Default.ListContainerSummary);
        });

        routes.MapGet("/containers/{id}/json", context =>
            context.Response.WriteAsJsonAsync(views.Inspect(engine.Store.Get(Id(context))), ApiJson.Default.ContainerInspect));

        routes.MapGet("/containers/{id}/logs", context => LogsAsync(context, engine));

        routes.MapPost("/containers/{id}/attach", context => AttachAsync(context, engine));

        routes.MapPost("/containers/{id}/resize", context =>
        {
            var (rows, columns) = ExecEndpoints.Size(context);
            var container = engine.Store.Get(Id(context));
            if (container.Record.Config.Tty)
            {
                container.Io.Resize(rows, columns);
            }
            return Task.CompletedTask;
        });

        routes.MapPost("/containers/{id}/start", async context =>
        {
            await engine.StartAsync(Id(context), context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        routes.MapPost("/containers/{id}/stop", async context =>
        {
            await engine.StopAsync(Id(context), Timeout(context), context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        routes.MapPost("/containers/{id}/restart", async context =>
        {
            await engine.RestartAsync(Id(context), Timeout(context), context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        routes.MapPost("/containers/{id}/kill", async context =>
        {
            await engine.KillAsync(Id(context), context.Request.Query["signal"].ToString(), context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });

        routes.MapPost("/containers/{id}/rename", context =>
        {
            var name = context.Request.Query["name"].ToString();
            if (name.Length == 0)
            {
                throw new InvalidArgumentException("Neither old nor new names may be empty");
            }
            engine.Rename(Id(context), name);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });

        routes.MapPost("/containers/{id}/wait", async context =>
        {
            var id = engine.Store.Get(Id(context)).Id;
            var wait = engine.WaitAsync(id, context.Request.Query["condition"], context.RequestAborted);
            // Headers go out at once: clients (docker run) wait for them before starting the container.
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            var (exitCode, error) = await wait;
            await JsonSerializer.SerializeAsync(context.Response.Body, new ContainerWaitResponse(exitCode, error is null ? null : new WaitError(error)), ApiJson.Default.ContainerWaitResponse, context.RequestAborted);
        });

        // `v` removes the container's anonymous volumes (named volumes outlive their containers, as in Docker).
        routes.MapDelete("/containers/{id}", async context =>
        {
            await engine.RemoveAsync(Id(context), Flag(context, "force"), context.RequestAborted, removeVolumes: Flag(context, "v"));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
    }

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static bool Flag(HttpContext context, string name) =>
        context.Request.Query[name].ToString() is "1" or "true" or "True";

    private static int? Timeout(HttpContext context)
    {
        var t = context.Request.Query["t"].ToString();
        if (t.Length == 0)
        {
            return null;
        }
        return int.TryParse(t, CultureInfo.InvariantCulture, out var seconds) ? seconds : throw new InvalidArgumentException($"invalid value for t: {t}");
    }

    private static async Task LogsAsync(HttpContext context, ContainerEngine engine)
    {
        var container = engine.Store.Get(Id(context));
        if (!LogDrivers.Readable(container.Record.Config))
        {
            throw new NotSupportedByDriverException("configured logging driver does not support reading");
        }
        var query = new LogQuery(
            Flag(context, "stdout"),
            Flag(context, "stderr"),
            Flag(context, "follow"),
            Tail(context.Request.Query["tail"].ToString()),
            Time(context.Request.Query["since"].ToString()),
            Time(context.Request.Query["until"].ToString()));
        if (!query.Stdout && !query.Stderr)
        {
            throw new InvalidArgumentException("Bad parameters: you must choose at least one stream");
        }
        var tty = container.Record.Config.Tty;
        var timestamps = Flag(context, "timestamps");
        context.Response.ContentType = "application/vnd.docker.raw-stream";
        await context.Response.StartAsync(context.RequestAborted);
        var body = context.Response.Body;
        await body.FlushAsync(context.RequestAborted);
        await foreach (var entry in LogReader.ReadAsync(container, engine.Store.Layout.LogFile(container.Id), query, s => s.Running, context.RequestAborted))
        {
            var text = timestamps ? ImageViews.Rfc3339Nano(entry.Time) + " " + entry.Text : entry.Text;
            await StreamFraming.WriteAsync(body, entry.Stream, text, tty, context.RequestAborted);
            await body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>
    /// The docker CLI's attach (before start, for `docker run` without -d): the connection is hijacked (101, Upgrade:
    /// tcp) and carries the container's output until it exits. Stdin is not connected: containers get an empty stdin.
    /// </summary>
    private static async Task AttachAsync(HttpContext context, ContainerEngine engine)
    {
        var container = engine.Store.Get(Id(context));
        var attachedAt = DateTimeOffset.UtcNow;
        engine.Events.Container(container, "attach");
        if (container.LiveOutput)
        {
            await InteractiveAttach.RunAsync(context, engine, container);
            return;
        }
        // Without logs=1 only what comes after the attach: by time, not by "tail 0" counted once the reader opens the
        // file, since the client may start the container as soon as it has the 101 and output would fall in between.
        var query = new LogQuery(Flag(context, "stdout"), Flag(context, "stderr"), Flag(context, "stream"), null, Flag(context, "logs") ? null : attachedAt, null);
        var tty = container.Record.Config.Tty;
        Stream output;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        context.Response.ContentType = "application/vnd.docker.raw-stream";
        var cancellationToken = context.RequestAborted;
        if (upgrade is { IsUpgradableRequest: true })
        {
            context.Response.Headers.Upgrade = "tcp";
            // The CLI half-closes its side when it has no stdin to send: the output must still flow until the
            // container exits (HalfCloseGuard passes on only a client's close for good).
            output = await upgrade.UpgradeAsync();
            cancellationToken = CancellationToken.None;
        }
        else
        {
            await context.Response.StartAsync(context.RequestAborted);
            output = context.Response.Body;
            await output.FlushAsync(context.RequestAborted);
        }
        await using (output)
        {
            // Attached before start: follow until an exit that happened after the attach, or removal.
            bool Following(ContainerState s) => !container.Removed && !(s.Status is ContainerStatus.Exited or ContainerStatus.Dead && s.FinishedAt > attachedAt);
            try
            {
                await foreach (var entry in LogReader.ReadAsync(container, engine.Store.Layout.LogFile(container.Id), query, Following, cancellationToken))
                {
                    await StreamFraming.WriteAsync(output, entry.Stream, entry.Text, tty, cancellationToken);
                    await output.FlushAsync(cancellationToken);
                }
            }
            catch (IOException)
            {
                // The client hung up.
            }
        }
    }

    private static int? Tail(string tail) =>
        tail.Length == 0 || tail == "all" ? null
        : int.TryParse(tail, CultureInfo.InvariantCulture, out var n) ? n
        : throw new InvalidArgumentException($"invalid value for tail: {tail}");

    // Docker's since/until: unix seconds with an optional fraction ("1700000000.123456789"), or RFC 3339.
    private static DateTimeOffset? Time(string value)
    {
        if (value.Length == 0 || value == "0")
        {
            return null;
        }
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new InvalidArgumentException($"invalid time: {value}");
    }
}
