using System.Globalization;
using System.Text.Json;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Events;
using CorralOS.Engine.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>
/// GET /events: the kept events from `since` (with `since` or `until`), then new ones as they happen until `until`
/// (or for ever), one JSON object per line; and the image pull event, told once a pull answered and the image is there.
/// </summary>
public static class EventEndpoints
{
    public static void Map(WebApplication app, EventLog events, ImageStore store)
    {
        app.Use(async (context, next) =>
        {
            await next();
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Value?.EndsWith("/images/create", StringComparison.Ordinal) == true
                && context.Response.StatusCode == StatusCodes.Status200OK)
            {
                TellPull(context, events, store);
            }
        });

        app.MapGet("/events", context => StreamAsync(context, events));
    }

    private static void TellPull(HttpContext context, EventLog events, ImageStore store)
    {
        var query = context.Request.Query;
        var name = query["fromImage"].ToString();
        var tag = query["tag"].ToString();
        if (tag.Length > 0)
        {
            name += tag.StartsWith("sha256:", StringComparison.Ordinal) ? "@" + tag : ":" + tag;
        }
        try
        {
            var reference = ImageReference.Parse(name).WithDefaultTag();
            store.Get(reference.ToString());
            events.Image("pull", reference.Familiar, reference.Familiar);
        }
        catch (EngineException)
        {
            // The pull failed inside its stream: nothing to tell.
        }
    }

    private static async Task StreamAsync(HttpContext context, EventLog events)
    {
        var now = DateTimeOffset.UtcNow;
        var since = Time(context.Request.Query["since"].ToString(), now);
        var until = Time(context.Request.Query["until"].ToString(), now);
        var filter = EventFilter.Parse(context.Request.Query["filters"]);
        using var subscription = events.Subscribe();
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        long last = 0;
        if (since is not null || until is not null)
        {
            foreach (var item in subscription.Past.Where(e => (since is null || e.Time >= since) && (until is null || e.Time <= until)))
            {
                last = item.TimeNano;
                await WriteAsync(context, item, filter);
            }
        }
        if (until is { } end && end <= DateTimeOffset.UtcNow)
        {
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (until is { } limit)
        {
            stop.CancelAfter(limit - DateTimeOffset.UtcNow);
        }
        try
        {
            await foreach (var item in subscription.Live.ReadAllAsync(stop.Token))
            {
                if (item.TimeNano <= last || (until is not null && item.Time > until))
                {
                    continue;
                }
                await WriteAsync(context, item, filter);
            }
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // `until` has come.
        }
    }

    private static async Task WriteAsync(HttpContext context, EngineEvent item, EventFilter filter)
    {
        if (!filter.Matches(item))
        {
            return;
        }
        var container = item.Type == "container";
        var message = new EventMessage
        {
            Status = container ? item.Action : null,
            Id = container ? item.ActorId : null,
            From = container && item.Attributes.TryGetValue("image", out var image) ? image : null,
            Type = item.Type,
            Action = item.Action,
            Actor = new EventActor(item.ActorId, item.Attributes),
            Time = item.TimeNano / 1_000_000_000,
            TimeNano = item.TimeNano,
        };
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Default.EventMessage), context.RequestAborted);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    // Docker's since/until: unix seconds with an optional fraction, RFC 3339, or nothing.
    private static DateTimeOffset? Time(string value, DateTimeOffset now)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new InvalidArgumentException($"invalid time: {value} (now {now:O})");
    }
}
