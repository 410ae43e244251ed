using System.Net.Sockets;
using CorralOS.Config.Model;
using CorralOS.Linux;

namespace CorralOS.Docker.Tests;

/// <summary>
/// The podman engine's launch (docs/user-docker.md, "Engines"): the socket `ros user-podman` makes before it becomes
/// Podman (root:docker 0660, listening), the group looked up in the image's /etc/group, and Podman's environment.
/// The exec itself is covered in QEMU (ConsoleSwitchBootTests).
/// </summary>
public sealed class UserPodmanLaunchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-podman-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_socket_is_made_listening_with_the_docker_group_and_mode_0660_replacing_a_stale_one()
    {
        var path = Path.Combine(_dir, "run/docker.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "stale");
        using var socket = ActivationSocket.Listen(path, 1101);
        Assert.Equal((0, 1101), SpecialFiles.Owner(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(path));
        Assert.True(socket.Descriptor > 2);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        Assert.True(client.Connected);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ActivationSocket.Environment("docker.sock")["LISTEN_PID"]);
        Assert.Equal("1", ActivationSocket.Environment("docker.sock")["LISTEN_FDS"]);
    }

    [Fact]
    public void The_group_comes_from_the_images_group_file_and_a_missing_one_is_an_error()
    {
        var groups = Path.Combine(_dir, "group");
        File.WriteAllText(groups, "root:x:0:\nsudo:x:27:rancher\ndocker:x:1101:rancher,docker\nstaff:x:50:\n");
        var launch = new UserPodmanLaunch { GroupFile = groups };
        Assert.Equal(1101, launch.GroupId(null));
        Assert.Equal(50, launch.GroupId("staff"));
        var e = Assert.Throws<IOException>(() => launch.GroupId("nope"));
        Assert.Equal($"{groups}: no group nope for /var/run/docker.sock", e.Message);
    }

    [Fact]
    public void Podman_serves_the_api_without_a_uri_and_gets_rancher_docker_environment_and_the_activation()
    {
        var launch = new UserPodmanLaunch();
        Assert.Equal(["/usr/bin/podman", "system", "service", "--time=0"], launch.Command);
        var environment = UserPodmanLaunch.Environment(
            new DockerConfig { Environment = ["HTTPS_PROXY=http://p:1", "NO_PROXY"] },
            new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["NO_PROXY"] = "localhost" },
            new Dictionary<string, string> { ["LISTEN_FDS"] = "1" });
        Assert.Equal("http://p:1", environment["HTTPS_PROXY"]);
        Assert.Equal("localhost", environment["NO_PROXY"]);
        Assert.Equal("/usr/bin", environment["PATH"]);
        Assert.Equal("1", environment["LISTEN_FDS"]);
        Assert.Equal("/var/log/docker.log", launch.LogFile);
    }
}
