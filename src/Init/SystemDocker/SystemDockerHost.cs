using System.Diagnostics;
using CorralOS.Engine;
using CorralOS.Engine.Api;
using Microsoft.Extensions.Logging;

namespace CorralOS.Init.SystemDocker;

/// <summary>
/// System Docker inside PID 1 (PRODUCT.md §1): the engine serves the Docker API on its socket from this process, and
/// its containers (`crun run` in the foreground) are PID 1's children. Loads the preload folder before anyone asks
/// it for a container; the system images file's images are linked when first asked for (<see cref="SystemImagesFile"/>),
/// staged archives loaded when a service needs one (<see cref="SystemImageIndex"/>).
/// </summary>
public sealed class SystemDockerHost : IAsyncDisposable
{
    /// <summary>Where the engine's log goes (the console stays quiet).</summary>
    public const string LogFile = "/var/log/system-docker.log";

    private readonly EngineServer _server;

    private SystemDockerHost(EngineServer server) => _server = server;

    public EngineServer Server => _server;

    /// <summary>Starts the engine and loads the images; prints what it did on the console.</summary>
    public static async Task<SystemDockerHost> StartAsync(BootConsole console, string version, IReadOnlyList<string> insecureRegistries, SystemDockerPaths paths, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var server = await EngineServer.StartAsync(new EngineOptions
        {
            SocketPath = paths.Socket,
            DataRoot = paths.DataRoot,
            ExecRoot = paths.ExecRoot,
            Version = version,
            InsecureRegistries = insecureRegistries,
            // Not on the serial console, where it would interleave with the gettys: in a file, at Information.
            LogLevel = LogLevel.Information,
            LogFile = LogFile,
        }, cancellationToken);
        var host = new SystemDockerHost(server);
        try
        {
            console.Info($"system-docker: listening on {paths.Socket} ({clock.ElapsedMilliseconds} ms)");
            LinkSystemImages(server, paths, console);
            // The system images are loaded when a service needs one (SystemImageIndex, SystemServices).
            var archives = new ImageArchives(server.Store);
            var preloaded = archives.Preload(paths.Preload, problem => console.Info($"system-docker: preload: {problem}"), cancellationToken);
            if (preloaded.Count > 0)
            {
                console.Info($"system-docker: preloaded {string.Join(", ", preloaded)}");
            }
            return host;
        }
        catch (Exception e) when (e is EngineException or IOException or UnauthorizedAccessException)
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The engine's store starts empty (RAM). The initrd's images (every boot's) are linked at once, so `system-docker
    /// images` lists them as before; the system images file's (User Docker's) are linked when first asked for.
    /// </summary>
    private static void LinkSystemImages(EngineServer server, SystemDockerPaths paths, BootConsole console)
    {
        void Log(string line) => console.Info("system-docker: " + line);
        var initrd = SystemImagesFile.TryReadInitrd(paths.InitrdImagesIndex, paths.InitrdImagesFile, paths.InitrdImagesMount, Log);
        var file = SystemImagesFile.TryRead(paths.SystemImagesIndex, Log);
        server.Store.LinkSource = image => initrd?.SourceFor(image, Log) ?? file?.SourceFor(image, Log);
        foreach (var image in initrd?.Images ?? (IEnumerable<string>)[])
        {
            try
            {
                server.Store.Get(image);
            }
            // The services that need the image fail, each saying why; PID 1 goes on.
            catch (Exception e) when (e is EngineException or IOException or UnauthorizedAccessException)
            {
                Log($"{image}: {e.Message}");
            }
        }
    }

    /// <summary>Stops the API and every system container (their stop signal, then SIGKILL).</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
