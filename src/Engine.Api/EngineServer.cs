using CorralOS.Engine.Api.Endpoints;
using CorralOS.Engine.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Api;

/// <summary>
/// The engine daemon: opens the store, binds the API socket and serves until stopped. Built on
/// CreateEmptyBuilder + Kestrel core, so no environment variable or appsettings file can change what it binds to.
/// </summary>
public sealed partial class EngineServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EngineOptions _options;
    private bool _stopped;

    private EngineServer(WebApplication app, EngineOptions options, ImageStore store)
    {
        _app = app;
        _options = options;
        Store = store;
    }

    public ImageStore Store { get; }

    public static async Task<EngineServer> StartAsync(EngineOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.ExecRoot);
        var store = ImageStore.Open(new StoreLayout(options.DataRoot));
        var engineId = EngineId.LoadOrCreate(options.DataRoot);
        UnixSocket.ClearStale(options.SocketPath);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "system-dockerd" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(options.SocketPath);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // image archives are as large as their images
        });
        builder.Services.AddRoutingCore();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        // Kestrel and hosting log every request at Information; the engine logs what matters itself.
        builder.Logging.AddFilter("Microsoft", options.LogLevel <= LogLevel.Debug ? options.LogLevel : LogLevel.Warning);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("system-dockerd");
        app.Use(ErrorMapping.Middleware(logger));
        app.Use(ApiVersions.Middleware(options.Version));
        app.UseRouting();
        SystemEndpoints.Map(app, options, store, engineId);
        ImageEndpoints.Map(app, store);
        app.MapFallback("{**path}", context => throw new NotFoundException("page not found"));

        await app.StartAsync(cancellationToken);
        UnixSocket.Secure(options.SocketPath);
        File.WriteAllText(PidFile(options), Environment.ProcessId + "\n");
        foreach (var problem in store.Problems)
        {
            LogStoreProblem(logger, problem);
        }
        LogListening(logger, options.SocketPath, options.DataRoot, store.Count);
        return new EngineServer(app, options, store);
    }

    /// <summary>Serves until the token is cancelled (SIGTERM/SIGINT in the applet), then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var stopping = new TaskCompletionSource();
        using var onCancel = cancellationToken.Register(() => stopping.TrySetResult());
        using var onHostStop = _app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await stopping.Task;
        await StopAsync();
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(grace.Token);
        File.Delete(PidFile(_options));
        File.Delete(_options.SocketPath);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static string PidFile(EngineOptions options) => Path.Combine(options.ExecRoot, "system-dockerd.pid");

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "image store: {Problem}")]
    private static partial void LogStoreProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "API listening on {Socket}, data root {DataRoot}, {Images} images")]
    private static partial void LogListening(ILogger logger, string socket, string dataRoot, int images);
}
