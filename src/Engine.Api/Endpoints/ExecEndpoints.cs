using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Exec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>Exec: create in a running container, start (hijacked, or detached), inspect, resize.</summary>
public static class ExecEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, ExecEngine execs)
    {
        routes.MapPost("/containers/{id}/exec", async context =>
        {
            var config = await ReadAsync(context, ApiJson.Default.ExecConfig) ?? throw new InvalidArgumentException("No exec command specified");
            DetachKeys.Parse(config.DetachKeys);
            var instance = execs.Create(Route(context), config);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new ExecCreateResponse(instance.Id), ApiJson.Default.ExecCreateResponse);
        });

        routes.MapPost("/exec/{id}/start", async context =>
        {
            var instance = execs.Get(Route(context));
            // Errors found before the process runs are plain answers; afterwards only the stream is left.
            if (instance.Started)
            {
                throw new ConflictException($"Exec command {instance.Id} has already run");
            }
            if (instance.Container.State.Status != Containers.ContainerStatus.Running)
            {
                throw new ConflictException($"Container {instance.Container.Id} is not running");
            }
            // With a TTY the client may detach: the exec's keys, or the start's `detachKeys`, else ctrl-p ctrl-q.
            var keys = DetachKeys.Parse(context.Request.Query.ContainsKey("detachKeys") ? context.Request.Query["detachKeys"].ToString() : instance.Config.DetachKeys);
            Hijack? hijack = null;
            ExecStartConfig start;
            if (context.Request.Headers.ContainsKey(UpgradeWithBody.BodyLengthHeader))
            {
                hijack = await Hijack.OpenAsync(context, instance.Config.Tty);
                start = Parse(await Hijack.ReadMovedBodyAsync(context, hijack), ApiJson.Default.ExecStartConfig) ?? new ExecStartConfig();
            }
            else
            {
                start = await ReadAsync(context, ApiJson.Default.ExecStartConfig) ?? new ExecStartConfig();
            }
            if (start.ConsoleSize is [var rows, var columns] && rows > 0 && columns > 0)
            {
                instance.Resize(rows, columns);
            }
            if (start.Detach)
            {
                _ = execs.RunAsync(instance, ExecStreams.None);
                if (hijack is not null)
                {
                    await hijack.DisposeAsync();
                }
                return;
            }
            await using (hijack ??= await Hijack.OpenAsync(context, instance.Config.Tty))
            {
                var input = new DetachingInput(hijack.Input, instance.Config.Tty ? keys : []);
                var streams = new ExecStreams(
                    instance.Config.AttachStdin ? input : null,
                    (stream, data) => Wanted(instance.Config, stream) && !input.Detached.IsCompleted ? WriteOrDropAsync(hijack, stream, data) : Task.CompletedTask);
                var run = execs.RunAsync(instance, streams);
                // Detached: the connection ends here and the process runs on; its output goes nowhere.
                if (await Task.WhenAny(run, input.Detached) == run)
                {
                    await run;
                }
            }
        });

        routes.MapGet("/exec/{id}/json", context =>
        {
            var instance = execs.Get(Route(context));
            var config = instance.Config;
            return context.Response.WriteAsJsonAsync(new ExecInspect
            {
                Id = instance.Id,
                Running = instance.Running,
                ExitCode = instance.ExitCode,
                ProcessConfig = new ExecProcessConfig
                {
                    Tty = config.Tty,
                    Entrypoint = config.Cmd![0],
                    Arguments = config.Cmd.Skip(1).ToList(),
                    Privileged = config.Privileged,
                    User = config.User ?? "",
                    WorkingDir = config.WorkingDir ?? "",
                },
                OpenStdin = config.AttachStdin,
                OpenStdout = config.AttachStdout,
                OpenStderr = config.AttachStderr,
                ContainerId = instance.Container.Id,
                DetachKeys = config.DetachKeys ?? "",
                Pid = instance.Running ? instance.Pid : 0,
            }, ApiJson.Default.ExecInspect);
        });

        routes.MapPost("/exec/{id}/resize", context =>
        {
            var (rows, columns) = Size(context);
            execs.Resize(Route(context), rows, columns);
            context.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        });
    }

    /// <summary>`h` and `w` of a resize request, as Docker checks them.</summary>
    public static (int Rows, int Columns) Size(HttpContext context)
    {
        if (!int.TryParse(context.Request.Query["h"], CultureInfo.InvariantCulture, out var rows)
            || !int.TryParse(context.Request.Query["w"], CultureInfo.InvariantCulture, out var columns)
            || rows < 0 || columns < 0 || rows > ushort.MaxValue || columns > ushort.MaxValue)
        {
            throw new InvalidArgumentException("invalid resize: h and w must be numbers from 0 to 65535");
        }
        return (rows, columns);
    }

    // Without -i/-a the CLI asks for stdout and stderr; a stream it did not ask for is not sent.
    private static bool Wanted(ExecConfig config, int stream) =>
        config.Tty || (stream == 2 ? config.AttachStderr : config.AttachStdout);

    private static string Route(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static T? Parse<T>(byte[] body, JsonTypeInfo<T> type)
    {
        if (body.Length == 0)
        {
            return default;
        }
        try
        {
            return JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"invalid JSON: {e.Message}", e);
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        if (context.Request.ContentLength == 0)
        {
            return default;
        }
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// Output for a client that may be gone (detached a moment ago, or disconnected): the process runs on and its output
    /// goes nowhere, as with Docker. A failed write must not end the output pump, which would close the terminal and
    /// hang the process up.
    /// </summary>
    private static async Task WriteOrDropAsync(Hijack hijack, int stream, ReadOnlyMemory<byte> data)
    {
        try
        {
            await hijack.WriteAsync(stream, data);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }
}
