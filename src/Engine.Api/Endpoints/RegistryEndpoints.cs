using System.Text.Json;
using System.Threading.Channels;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Images;
using CorralOS.Engine.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>
/// Registry routes: pull (`POST /images/create`) and login (`POST /auth`), and the handler of push
/// (`POST /images/{name}/push`), which <see cref="ImageEndpoints"/>' per-image catch-all calls.
/// Everything that can fail before bytes move (reference, credentials, manifest, config) fails as a plain
/// error answer (400/404/500); once the JSON message stream has started, an error is its last line.
/// </summary>
public static class RegistryEndpoints
{
    private const string AuthHeader = "X-Registry-Auth";

    /// <summary>Maps pull and login; returns the push handler (context, image name).</summary>
    public static Func<HttpContext, string, Task> Map(IEndpointRouteBuilder routes, ImageStore store, EngineOptions options)
    {
        var settings = new RegistrySettings { InsecureRegistries = options.InsecureRegistries, AuthFile = options.RegistryAuthFile };
        var puller = new ImagePuller(store, settings);
        var pusher = new ImagePusher(store, settings);

        routes.MapPost("/images/create", context => PullAsync(context, puller, settings));
        routes.MapPost("/auth", context => LoginAsync(context, settings));
        return (context, name) => PushAsync(context, pusher, settings, name);
    }

    private static async Task PullAsync(HttpContext context, ImagePuller puller, RegistrySettings settings)
    {
        var query = context.Request.Query;
        var fromImage = query["fromImage"].ToString();
        if (fromImage.Length == 0)
        {
            throw new InvalidArgumentException(query.ContainsKey("fromSrc")
                ? "importing an image (fromSrc) is not supported; use docker load"
                : "fromImage is required: the image to pull");
        }
        var reference = PullReference(fromImage, query["tag"].ToString());
        var platform = query["platform"].ToString();
        if (platform.Length > 0 && !platform.StartsWith($"{settings.Os}/{settings.Architecture}", StringComparison.Ordinal))
        {
            throw new InvalidArgumentException($"platform {platform} is not supported: this engine pulls {settings.Os}/{settings.Architecture}");
        }
        var credentials = puller.CredentialsFor(reference, RegistryCredentials.FromHeader(context.Request.Headers[AuthHeader]));
        var plan = await puller.ResolveAsync(reference, credentials, context.RequestAborted);

        var writer = await StartStreamAsync(context);
        await writer.WriteAsync(new ProgressEvent($"Pulling from {reference.Path}", reference.Digest?.ToString() ?? reference.Tag ?? ImageReference.DefaultTag), context.RequestAborted);
        var result = await StreamAsync(context, writer, progress => puller.PullAsync(plan, progress, context.RequestAborted));
        if (result is not null)
        {
            var name = reference.Digest is null ? reference.WithDefaultTag().Familiar : reference.Familiar;
            var status = result.UpToDate ? $"Status: Image is up to date for {name}" : $"Status: Downloaded newer image for {name}";
            await writer.WriteAsync(new ProgressEvent(status), context.RequestAborted);
        }
    }

    private static async Task PushAsync(HttpContext context, ImagePusher pusher, RegistrySettings settings, string name)
    {
        var images = pusher.Resolve(name, context.Request.Query["tag"].ToString());
        var fromClient = RegistryCredentials.FromHeader(context.Request.Headers[AuthHeader]);
        var credentials = fromClient ?? settings.ConfiguredCredentials(images[0].Tag.Domain);
        var writer = await StartStreamAsync(context);
        await StreamAsync(context, writer, async progress =>
        {
            await pusher.PushAsync(images, credentials, progress, context.RequestAborted);
            return true;
        });
    }

    // docker login: the daemon checks the credentials against the registry's /v2/ and keeps nothing.
    private static async Task LoginAsync(HttpContext context, RegistrySettings settings)
    {
        AuthRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, RegistryApiJson.Default.AuthRequest, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new InvalidArgumentException($"invalid login request: {e.Message}", e);
        }
        var entry = new RegistryAuthEntry { Auth = request?.Auth, Username = request?.Username, Password = request?.Password };
        var credentials = RegistryCredentials.FromEntry(entry, "login") ?? throw new InvalidArgumentException("login needs a username and password");
        var server = string.IsNullOrEmpty(request?.ServerAddress) ? RegistryHosts.DockerHub : RegistryHosts.Normalize(request.ServerAddress);
        // Any repository name gives the session its registry; /v2/ itself is not per repository.
        var session = new RegistrySession(new ImageReference(server, "library/login", null, null), credentials, settings, push: false);
        await session.CheckLoginAsync(context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new AuthResponse("Login Succeeded", ""), RegistryApiJson.Default.AuthResponse);
    }

    /// <summary>fromImage with tag as the docker CLI sends them: tag is a tag, or a digest for NAME@DIGEST pulls.</summary>
    private static ImageReference PullReference(string fromImage, string tag)
    {
        if (tag.Length == 0)
        {
            return ImageReference.Parse(fromImage).WithDefaultTag();
        }
        var reference = ImageReference.Parse(fromImage);
        if (reference.Tag is not null || reference.Digest is not null)
        {
            throw new InvalidArgumentException($"fromImage {fromImage} already has a tag or digest and tag={tag} is given");
        }
        return ImageReference.Parse(fromImage + (tag.Contains(':') ? "@" : ":") + tag);
    }

    private static async Task<ProgressWriter> StartStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        return new ProgressWriter(context.Response);
    }

    /// <summary>
    /// Runs the work on the pool, writing its progress as it comes; a failure becomes the stream's error line
    /// (the status is already 200). Returns the work's result, or default after a failure.
    /// </summary>
    private static async Task<T?> StreamAsync<T>(HttpContext context, ProgressWriter writer, Func<Action<ProgressEvent>, Task<T>> work)
    {
        var channel = Channel.CreateUnbounded<ProgressEvent>(new UnboundedChannelOptions { SingleReader = true });
        var task = Task.Run(async () =>
        {
            try
            {
                return await work(e => channel.Writer.TryWrite(e));
            }
            finally
            {
                channel.Writer.Complete();
            }
        });
        await foreach (var e in channel.Reader.ReadAllAsync(context.RequestAborted))
        {
            await writer.WriteAsync(e, context.RequestAborted);
            if (e.Result is { } pushed)
            {
                await writer.WriteAsync(new ProgressMessage { ProgressDetail = new ProgressCounts(), Aux = new PushAux(pushed.Tag, pushed.Digest.ToString(), pushed.Size) }, context.RequestAborted);
            }
        }
        try
        {
            return await task;
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            await writer.WriteErrorAsync(e.Message.ReplaceLineEndings(" ").Trim(), context.RequestAborted);
            return default;
        }
    }
}
