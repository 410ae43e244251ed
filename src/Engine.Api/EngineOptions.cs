using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Api;

/// <summary>What `system-dockerd` is told on its command line.</summary>
public sealed record EngineOptions
{
    /// <summary>Path of the API's unix socket (from --host unix:///PATH).</summary>
    public required string SocketPath { get; init; }

    /// <summary>Persistent state: images, containers, volumes.</summary>
    public required string DataRoot { get; init; }

    /// <summary>Runtime state that does not survive a reboot: the pid file, OCI bundles, crun's state.</summary>
    public required string ExecRoot { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>A file the log is appended to instead of going to stderr (--log-file); null for stderr.</summary>
    public string? LogFile { get; init; }

    /// <summary>The OCI runtime binary (found on PATH unless a path).</summary>
    public string Runtime { get; init; } = "crun";

    /// <summary>Whether crun runs with address space randomization (OciRuntime.RandomizeAddresses); null: unless the CPU is emulated.</summary>
    public bool? RuntimeAddressRandomization { get; init; }

    /// <summary>Registries (host or host:port) spoken to over plain http; loopback registries always are.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>JSON credentials per registry (rancher.registry_auths), read at each pull and push; null for none.</summary>
    public string? RegistryAuthFile { get; init; }

    /// <summary>The CorralOS version, reported as the engine's version.</summary>
    public required string Version { get; init; }

    /// <summary>Parses Docker's --host form; only unix:// is served.</summary>
    public static string ParseHost(string host)
    {
        const string Scheme = "unix://";
        if (!host.StartsWith(Scheme, StringComparison.Ordinal) || host.Length == Scheme.Length || host[Scheme.Length] != '/')
        {
            throw new ArgumentException($"unsupported --host {host}: only unix:///absolute/path is served");
        }
        return host[Scheme.Length..];
    }

    /// <summary>Docker's --log-level names (debug, info, warn, error, fatal).</summary>
    public static LogLevel ParseLogLevel(string level) => level.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" or "panic" => LogLevel.Critical,
        _ => throw new ArgumentException($"unknown --log-level {level} (debug, info, warn, error, fatal)"),
    };
}
