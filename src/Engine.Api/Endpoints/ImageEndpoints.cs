using System.Text.Json;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>
/// /images: load, list, inspect, history, tag, push, remove, save. Image names may hold '/', so per-image routes are
/// one catch-all per method, split on the last path segment (Docker routes with {name:.*} the same way). One route per
/// name depth instead (as push had) multiplied ASP.NET's route matcher into 5 MB of states, held for the engine's life.
/// </summary>
public static class ImageEndpoints
{
    /// <param name="push">The push handler (<see cref="RegistryEndpoints"/>), given the context and the image name.</param>
    public static void Map(IEndpointRouteBuilder routes, ImageStore store, Events.EventLog events, Func<HttpContext, string, Task> push)
    {
        var views = new ImageViews(store);
        var loader = new ImageLoader(store);
        var writer = new ImageArchiveWriter(store.Layout);

        routes.MapPost("/images/load", context => LoadAsync(context, loader, store, events));

        routes.MapGet("/images/json", context =>
        {
            // `all` shows intermediate images; loaded images have no parent chain, so every image is shown anyway.
            var filter = ImageFilter.Parse(context.Request.Query["filters"]);
            var images = filter.Apply(store.List(), store.Get);
            return context.Response.WriteAsJsonAsync(images.Select(ImageViews.Summary).ToList(), ApiJson.Default.ListImageSummary);
        });

        routes.MapGet("/images/get", context =>
        {
            var names = context.Request.Query["names"].OfType<string>().ToList();
            if (names.Count == 0)
            {
                throw new InvalidArgumentException("names is required: at least one image to save");
            }
            return SaveAsync(context, store, writer, names);
        });

        routes.MapGet("/images/{**path}", context =>
        {
            var (name, action) = Split(context);
            return action switch
            {
                "json" => context.Response.WriteAsJsonAsync(views.Inspect(store.Get(name)), ApiJson.Default.ImageInspect),
                "history" => context.Response.WriteAsJsonAsync(views.History(store.Get(name)), ApiJson.Default.ListHistoryItem),
                "get" => SaveAsync(context, store, writer, [name]),
                _ => throw new NotFoundException("page not found"),
            };
        });

        routes.MapPost("/images/{**path}", context =>
        {
            var (name, action) = Split(context);
            if (action == "push")
            {
                return push(context, name);
            }
            if (action != "tag")
            {
                throw new NotFoundException("page not found");
            }
            var target = TagTarget(context.Request.Query["repo"], context.Request.Query["tag"]);
            store.Tag(name, target);
            events.Image("tag", store.Get(target.ToString()).Id, target.Familiar);
            context.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        });

        routes.MapDelete("/images/{**path}", context =>
        {
            var name = PathValue(context);
            var id = store.Get(name).Id;
            var deleted = store.Delete(name, Flag(context, "force"));
            foreach (var d in deleted)
            {
                events.Image(d.Deleted is null ? "untag" : "delete", d.Deleted ?? id, d.Untagged);
            }
            var items = deleted.Select(d => new DeleteItem { Untagged = d.Untagged, Deleted = d.Deleted }).ToList();
            return context.Response.WriteAsJsonAsync(items, ApiJson.Default.ListDeleteItem);
        });
    }

    /// <summary>Docker's boolean query values: 1/true/True; absent, 0 or false are false.</summary>
    public static bool Flag(HttpContext context, string name) =>
        context.Request.Query[name].ToString() is var v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The image name of a catch-all route, decoded: clients that escape the name as one path segment send
    /// "corralos%2Fos-base", which the router leaves encoded (it decodes everything but %2F).
    /// </summary>
    private static string PathValue(HttpContext context) => Uri.UnescapeDataString((string)context.Request.RouteValues["path"]!);

    private static (string Name, string Action) Split(HttpContext context)
    {
        var path = PathValue(context);
        var slash = path.LastIndexOf('/');
        if (slash <= 0)
        {
            throw new NotFoundException("page not found");
        }
        return (path[..slash], path[(slash + 1)..]);
    }

    private static ImageReference TagTarget(string? repo, string? tag)
    {
        if (string.IsNullOrEmpty(repo))
        {
            throw new InvalidArgumentException("repo is required: the repository to tag in");
        }
        var reference = ImageReference.Parse(repo);
        if (reference.Digest is not null)
        {
            throw new InvalidArgumentException($"refusing to create a tag with a digest reference: {repo}");
        }
        if (!string.IsNullOrEmpty(tag))
        {
            if (reference.Tag is not null)
            {
                throw new InvalidArgumentException($"repo {repo} already has a tag and tag={tag} is given");
            }
            reference = ImageReference.Parse($"{repo}:{tag}");
        }
        return reference.WithDefaultTag();
    }

    // The archive is read and verified completely before the answer starts, so a bad archive gets a clean 4xx
    // instead of an error in the middle of a 200 stream.
    private static async Task LoadAsync(HttpContext context, ImageLoader loader, ImageStore store, Events.EventLog events)
    {
        AllowSynchronousIo(context);
        var quiet = Flag(context, "quiet");
        var result = await Task.Run(() => loader.Load(context.Request.Body, context.RequestAborted), context.RequestAborted);
        context.Response.ContentType = "application/json";
        var messages = new List<JsonMessage>();
        if (!quiet)
        {
            messages.AddRange(result.NewLayers.Select(l => new JsonMessage
            {
                Status = "Loading layer",
                Id = l.DiffId.Short,
                ProgressDetail = new ProgressDetail(l.Size, l.Size),
            }));
        }
        messages.AddRange(result.Lines.Select(line => new JsonMessage { Stream = line + "\n" }));
        foreach (var line in result.Lines)
        {
            if (line.StartsWith("Loaded image: ", StringComparison.Ordinal) && store.Get(line["Loaded image: ".Length..]) is { } image)
            {
                events.Image("load", image.Id, line["Loaded image: ".Length..]);
            }
            else if (line.StartsWith("Loaded image ID: ", StringComparison.Ordinal))
            {
                events.Image("load", line["Loaded image ID: ".Length..], null);
            }
        }
        foreach (var message in messages)
        {
            await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Default.JsonMessage), context.RequestAborted);
            await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted);
        }
    }

    // Every name is resolved and every blob found before the first byte, so an unknown image is a 404 and an image
    // shipped without its layer blobs a 409, not a cut stream.
    private static async Task SaveAsync(HttpContext context, ImageStore store, ImageArchiveWriter writer, IReadOnlyList<string> names)
    {
        var images = names.SelectMany(store.ResolveForSave).ToList();
        writer.RequireBlobs(images);
        AllowSynchronousIo(context);
        context.Response.ContentType = "application/x-tar";
        await Task.Run(() => writer.Write(context.Response.Body, images), context.RequestAborted);
    }

    // Tar reading and writing (System.Formats.Tar) is synchronous; these requests run on a pool thread.
    private static void AllowSynchronousIo(HttpContext context)
    {
        if (context.Features.Get<IHttpBodyControlFeature>() is { } control)
        {
            control.AllowSynchronousIO = true;
        }
    }
}
