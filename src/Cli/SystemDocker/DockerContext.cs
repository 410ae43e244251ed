using System.CommandLine;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.SystemDocker;

/// <summary>What every system-docker command works with: the engine client for the chosen host and the output streams.</summary>
internal sealed class DockerContext : IDisposable
{
    public const string DefaultHost = EngineClient.SystemDockerHost;

    /// <summary>-H/--host on `system-docker` or any of its commands; else $SYSTEM_DOCKER_HOST, else the default socket.</summary>
    public static readonly Option<string?> HostOption = new("--host", "-H")
    {
        Description = $"The engine's socket: unix:///path (default $SYSTEM_DOCKER_HOST, else {DefaultHost})",
        Recursive = true,
    };

    private DockerContext(string host, TextWriter output, TextWriter error)
    {
        Host = host;
        Output = output;
        Error = error;
        Client = new EngineClient(host);
    }

    public string Host { get; }

    public EngineClient Client { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public static DockerContext From(ParseResult parse)
    {
        var host = parse.GetValue(HostOption) is { Length: > 0 } h ? h
            : Environment.GetEnvironmentVariable("SYSTEM_DOCKER_HOST") is { Length: > 0 } e ? e
            : DefaultHost;
        return new DockerContext(host, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
    }

    /// <summary>The process's standard output as bytes (logs, save), after what the text writer holds.</summary>
    public Stream OpenStandardOutput()
    {
        Output.Flush();
        return System.Console.OpenStandardOutput();
    }

    public Stream OpenStandardError()
    {
        Error.Flush();
        return System.Console.OpenStandardError();
    }

    public void Dispose() => Client.Dispose();
}
