using System.CommandLine;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.Applets;

/// <summary>The --host/-H option of the applets that talk to an engine, with that engine's socket as default.</summary>
internal static class HostOption
{
    public static Option<string> SystemDocker(string description = "System Docker's socket", bool recursive = false) =>
        Create(description, EngineClient.SystemDockerHost, recursive);

    public static Option<string> UserDocker(string description = "The engine's socket") =>
        Create(description, EngineClient.UserDockerHost, recursive: false);

    private static Option<string> Create(string description, string socket, bool recursive) => new("--host", "-H")
    {
        Description = description,
        DefaultValueFactory = _ => socket,
        Recursive = recursive,
    };
}
