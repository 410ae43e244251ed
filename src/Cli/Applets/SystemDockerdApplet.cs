using System.CommandLine;
using System.Runtime.InteropServices;
using CorralOS.Engine.Api;

namespace CorralOS.Cli.Applets;

/// <summary>`system-dockerd`: the engine daemon (Docker Engine API on a unix socket). SIGTERM or SIGINT stop it cleanly.</summary>
internal static class SystemDockerdApplet
{
    public static Applet Create() => new("system-dockerd", "The System Docker engine daemon (Docker Engine API on a unix socket)", command =>
    {
        var host = new Option<string>("--host", "-H") { Description = "Socket to serve the API on", DefaultValueFactory = _ => "unix:///var/run/system-docker.sock" };
        var dataRoot = new Option<string>("--data-root") { Description = "Persistent state (images)", DefaultValueFactory = _ => "/var/lib/system-docker" };
        var execRoot = new Option<string>("--exec-root") { Description = "Runtime state (pid file)", DefaultValueFactory = _ => "/var/run/system-docker" };
        var logLevel = new Option<string>("--log-level", "-l") { Description = "debug, info, warn, error or fatal", DefaultValueFactory = _ => "info" };
        var logFile = new Option<string?>("--log-file") { Description = "Append the log to this file instead of stderr" };
        var insecure = new Option<string[]>("--insecure-registry") { Description = "Registry (host[:port]) to reach over plain http; repeatable (loopback ones always are)", DefaultValueFactory = _ => [] };
        var authFile = new Option<string?>("--registry-auth-file") { Description = "JSON credentials per registry (rancher.registry_auths), read at each pull and push" };
        command.Options.Add(host);
        command.Options.Add(dataRoot);
        command.Options.Add(execRoot);
        command.Options.Add(logLevel);
        command.Options.Add(logFile);
        command.Options.Add(insecure);
        // The build (build/initrd.sh) ships the boot's system images already in the store layout: no daemon, no socket.
        var loadOnly = new Option<string[]>("--load-only")
        {
            Description = "Load these docker save archives into --data-root's image store and exit",
            Hidden = true,
            AllowMultipleArgumentsPerToken = true,
        };
        command.Options.Add(authFile);
        command.Options.Add(loadOnly);
        command.SetAction(parse =>
        {
            if (parse.GetValue(loadOnly) is { Length: > 0 } archives)
            {
                return StoreLoader.Load(Path.GetFullPath(parse.GetValue(dataRoot)!), archives, parse.InvocationConfiguration.Output);
            }
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("system-dockerd runs on Linux only");
            }
            var options = new EngineOptions
            {
                SocketPath = EngineOptions.ParseHost(parse.GetValue(host)!),
                DataRoot = Path.GetFullPath(parse.GetValue(dataRoot)!),
                ExecRoot = Path.GetFullPath(parse.GetValue(execRoot)!),
                LogLevel = EngineOptions.ParseLogLevel(parse.GetValue(logLevel)!),
                LogFile = parse.GetValue(logFile) is { } log ? Path.GetFullPath(log) : null,
                InsecureRegistries = parse.GetValue(insecure) ?? [],
                RegistryAuthFile = parse.GetValue(authFile) is { } file ? Path.GetFullPath(file) : null,
                Version = ProductVersion.Value,
            };
            using var stop = new CancellationTokenSource();
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            return Serve(options, stop.Token).GetAwaiter().GetResult();
        });
    });

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task<int> Serve(EngineOptions options, CancellationToken stop)
    {
        await using var server = await EngineServer.StartAsync(options, stop);
        await server.RunAsync(stop);
        return 0;
    }
}
