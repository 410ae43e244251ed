using CorralOS.Config;
using CorralOS.Docker;
using CorralOS.Linux;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `user-podman`: the command of the podman engine's docker system container (docs/user-docker.md, "Engines"). Shares
/// the image's docker CLI with the console, starts the containers whose restart policy is always, makes User Docker's
/// socket (group docker, 0660), then replaces itself with Podman's API service, which takes the socket by activation
/// (<see cref="UserPodmanLaunch"/>).
/// </summary>
internal static class UserPodmanApplet
{
    public static Applet Create() => new("user-podman", "Run Podman's Docker-compatible API service on User Docker's socket (the podman engine)", command =>
    {
        var root = ConfigRoot.Option();
        command.Options.Add(root);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("user-podman runs on Linux only");
            }
            var config = new ConfigLoader(ConfigRoot.Paths(parse.GetValue(root))).Load().ModelOf("rancher.docker").Rancher?.Docker;
            var launch = new UserPodmanLaunch();
            var current = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
            try
            {
                EngineCliShare.Share(launch.Cli, launch.CliShare);
                StartRestartingContainers(launch, parse.InvocationConfiguration.Error);
                using var socket = ActivationSocket.Listen(launch.Socket, launch.GroupId(config?.Group));
                var environment = UserPodmanLaunch.Environment(config, current, ActivationSocket.Environment("docker.sock"));
                ProcessImage.Replace(launch.Command[0], launch.Command, environment, launch.LogFile, [socket.Descriptor]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or SystemCallException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"user-podman: {e.Message}");
            }
            return 1;
        });
    });

    // Output goes to the service's log with this process's; a failure or a hang is one line and the service starts anyway.
    private static void StartRestartingContainers(UserPodmanLaunch launch, TextWriter error)
    {
        try
        {
            using var start = CorralOS.Console.ProgramRunner.Start(launch.RestartCommand);
            if (!start.WaitForExit(UserPodmanLaunch.RestartWait))
            {
                start.Kill();
                error.WriteLine($"user-podman: containers with restart policy always: still starting after {UserPodmanLaunch.RestartWait.TotalSeconds} s; going on");
            }
            else if (start.ExitCode != 0)
            {
                error.WriteLine($"user-podman: containers with restart policy always: podman start exited {start.ExitCode}");
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            error.WriteLine($"user-podman: containers with restart policy always: {e.Message}");
        }
    }
}
