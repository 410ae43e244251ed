using CorralOS.Engine.Api.Endpoints;
using CorralOS.Engine.Containers;
using CorralOS.Engine.Host;
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
    private readonly FileLog? _fileLog;
    private readonly IdleTrim _idleTrim;
    private readonly HalfCloseGuard _halfCloseGuard;
    private bool _stopped;

    private EngineServer(WebApplication app, EngineOptions options, FileLog? fileLog, IdleTrim idleTrim, HalfCloseGuard halfCloseGuard, ImageStore store, ContainerEngine containers)
    {
        _app = app;
        _options = options;
        _fileLog = fileLog;
        _idleTrim = idleTrim;
        _halfCloseGuard = halfCloseGuard;
        Store = store;
        Containers = containers;
    }

    public ImageStore Store { get; }

    public ContainerEngine Containers { get; }

    public static async Task<EngineServer> StartAsync(EngineOptions options, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.ExecRoot);
        var store = ImageStore.Open(new StoreLayout(options.DataRoot));
        var containerStore = ContainerStore.Open(new ContainerLayout(options.DataRoot, options.ExecRoot));
        var deviceRules = RuntimeCapabilities.CanLoadDeviceRules();
        var runtime = new OciRuntime(containerStore.Layout.RuntimeRoot, options.Runtime)
        {
            NoPivot = RuntimeCapabilities.RootIsInitramfs(),
            RandomizeAddresses = options.RuntimeAddressRandomization ?? !RuntimeCapabilities.CpuIsEmulated,
        };
        var containers = new ContainerEngine(store, containerStore, runtime, deviceRules);
        store.InUse = containerStore.UsesImage;
        var engineId = EngineId.LoadOrCreate(options.DataRoot);
        UnixSocket.ClearStale(options.SocketPath);

        var halfCloseGuard = new HalfCloseGuard();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "system-dockerd" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(options.SocketPath, listen => listen.Use(halfCloseGuard.Middleware).Use(UpgradeWithBody.Middleware));
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // image archives are as large as their images
        });
        builder.Services.AddRoutingCore();
        var fileLog = options.LogFile is null ? null : new FileLog(options.LogFile);
        if (fileLog is null)
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        }
        else
        {
            builder.Logging.AddProvider(fileLog);
        }
        builder.Logging.SetMinimumLevel(options.LogLevel);
        // Kestrel and hosting log every request at Information; the engine logs what matters itself.
        builder.Logging.AddFilter("Microsoft", options.LogLevel <= LogLevel.Debug ? options.LogLevel : LogLevel.Warning);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("system-dockerd");
        var idleTrim = new IdleTrim();
        app.Use(idleTrim.Middleware);
        app.Use(ErrorMapping.Middleware(logger));
        app.Use(ApiVersions.Middleware(options.Version));
        app.UseRouting();
        SystemEndpoints.Map(app, options, store, containerStore, engineId);
        var push = RegistryEndpoints.Map(app, store, options);
        ImageEndpoints.Map(app, store, containers.Events, push);
        ContainerEndpoints.Map(app, containers, new ContainerViews(containerStore.Layout, store));
        ExecEndpoints.Map(app, containers.Execs);
        VolumeEndpoints.Map(app, containers.Volumes);
        EventEndpoints.Map(app, containers.Events, store);
        app.MapFallback("{**path}", context => throw new NotFoundException("page not found"));

        await app.StartAsync(cancellationToken);
        UnixSocket.Secure(options.SocketPath);
        foreach (var problem in store.Problems.Concat(containerStore.Problems))
        {
            LogStoreProblem(logger, problem);
        }
        if (!RuntimeCapabilities.UnifiedCgroups)
        {
            LogNoUnifiedCgroups(logger);
        }
        if (!deviceRules)
        {
            LogNoDeviceRules(logger);
        }
        // Containers the restart policy brings back; the pid file (readiness) follows once they are started.
        await containers.RestoreAsync(problem => LogStoreProblem(logger, problem), cancellationToken);
        File.WriteAllText(PidFile(options), Environment.ProcessId + "\n");
        LogListening(logger, options.SocketPath, options.DataRoot, store.Count);
        return new EngineServer(app, options, fileLog, idleTrim, halfCloseGuard, store, containers);
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
        // Containers run as children of the engine (foreground `crun run`): they stop with it.
        await Containers.ShutdownAsync();
        File.Delete(PidFile(_options));
        File.Delete(_options.SocketPath);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _idleTrim.Dispose();
        _halfCloseGuard.Dispose();
        _fileLog?.Dispose();
    }

    private static string PidFile(EngineOptions options) => Path.Combine(options.ExecRoot, "system-dockerd.pid");

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "/sys/fs/cgroup is not a unified cgroup v2 hierarchy: crun will refuse to run containers (see docs/system-docker.md)")]
    private static partial void LogNoUnifiedCgroups(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "no CAP_SYS_RESOURCE and a limited RLIMIT_MEMLOCK: containers run without cgroup device rules")]
    private static partial void LogNoDeviceRules(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "store: {Problem}")]
    private static partial void LogStoreProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "API listening on {Socket}, data root {DataRoot}, {Images} images")]
    private static partial void LogListening(ILogger logger, string socket, string dataRoot, int images);
}
