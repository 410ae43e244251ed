using CorralOS.Config.Model;

namespace CorralOS.Docker;

/// <summary>
/// How the docker system container starts User Docker (reference §6.3, without RancherOS's hop into the console's
/// namespaces: the container itself has the host's network, PID and IPC namespaces and the shared volumes): dockerd
/// with the arguments from rancher.docker, rancher.docker.environment added to the environment, DOCKER_RAMDISK when
/// the root is the initramfs, and its output appended to /var/log/docker.log.
/// </summary>
public sealed record UserDockerLaunch
{
    public string Dockerd { get; init; } = "/usr/sbin/dockerd";

    /// <summary>The docker CLI in the image, shared with the console (<see cref="EngineCliShare"/>).</summary>
    public string Cli { get; init; } = "/usr/bin/docker";

    public string CliShare { get; init; } = EngineCliShare.DefaultDirectory;

    public const string DefaultLogFile = "/var/log/docker.log";

    public string LogFile { get; init; } = DefaultLogFile;

    public string MountInfo { get; init; } = "/proc/self/mountinfo";

    /// <summary>dockerd's command line (the program first) and its whole environment.</summary>
    public (IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Environment) Plan(DockerConfig? config, IReadOnlyDictionary<string, string> current)
    {
        var environment = new SortedDictionary<string, string>(current.ToDictionary(), StringComparer.Ordinal);
        if (File.Exists(MountInfo) && RamdiskRoot.IsUnder(File.ReadAllText(MountInfo)))
        {
            environment[RamdiskRoot.Variable] = "true";
        }
        foreach (var (name, value) in DockerdArguments.Environment(config, current.GetValueOrDefault))
        {
            environment[name] = value;
        }
        return ([Dockerd, .. DockerdArguments.Build(config)], environment);
    }
}
