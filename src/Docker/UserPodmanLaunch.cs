using CorralOS.Config.Model;

namespace CorralOS.Docker;

/// <summary>
/// How the docker system container runs the Podman engine (docs/user-docker.md, "Engines"): Podman's Docker-compatible
/// API service (`podman system service --time=0`, never exiting when idle) on User Docker's socket, which this process
/// creates with User Docker's group and hands over by socket activation; rancher.docker.environment is added to the
/// environment and the output appended to /var/log/docker.log, as for dockerd. Its data is /var/lib/containers
/// (/etc/containers/storage.conf in the image), never Docker's /var/lib/docker.
/// </summary>
public sealed record UserPodmanLaunch
{
    public string Podman { get; init; } = "/usr/bin/podman";

    /// <summary>The docker CLI in the image, shared with the console as User Docker's is (<see cref="EngineCliShare"/>).</summary>
    public string Cli { get; init; } = "/usr/bin/docker";

    public string CliShare { get; init; } = EngineCliShare.DefaultDirectory;

    public string Socket { get; init; } = "/var/run/docker.sock";

    public string LogFile { get; init; } = UserDockerLaunch.DefaultLogFile;

    /// <summary>The image's group database, where the socket's group is looked up.</summary>
    public string GroupFile { get; init; } = "/etc/group";

    /// <summary>podman's command line (the program first): the socket comes by activation, so no URI.</summary>
    public IReadOnlyList<string> Command => [Podman, "system", "service", "--time=0"];

    /// <summary>
    /// Run before the service: starts the containers whose restart policy is always, as systemd's podman-restart unit
    /// does where Podman has systemd (Podman is daemonless, so nothing else brings them back after a boot or a switch).
    /// </summary>
    public IReadOnlyList<string> RestartCommand => [Podman, "start", "--all", "--filter", "restart-policy=always"];

    /// <summary>How long the service waits for <see cref="RestartCommand"/> before it starts anyway.</summary>
    public static readonly TimeSpan RestartWait = TimeSpan.FromMinutes(2);

    /// <summary>The whole environment: <paramref name="current"/>, rancher.docker.environment (as for dockerd) and the socket activation's variables.</summary>
    public static IReadOnlyDictionary<string, string> Environment(DockerConfig? config, IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> activation)
    {
        var environment = new SortedDictionary<string, string>(current.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in DockerdArguments.Environment(config, current.GetValueOrDefault).Concat(activation))
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>The id of <paramref name="group"/> (rancher.docker.group, default docker) in <see cref="GroupFile"/>.</summary>
    public int GroupId(string? group)
    {
        var name = string.IsNullOrEmpty(group) ? "docker" : group;
        foreach (var line in File.ReadLines(GroupFile))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && fields[0] == name && int.TryParse(fields[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var gid))
            {
                return gid;
            }
        }
        throw new IOException($"{GroupFile}: no group {name} for {Socket}");
    }
}
