using CorralOS.Config.Model;

namespace CorralOS.Docker.Tests;

public sealed class UserDockerLaunchTests
{
    private const string ChrootedOnRootfs = """
        1 1 0:2 / / rw - rootfs rootfs rw,size=1000k
        30 1 0:30 / / rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c
        31 30 0:5 / /proc rw - proc proc rw
        """;

    private const string PivotedOnExt4 = """
        20 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
        21 20 0:5 / /proc rw - proc proc rw
        22 20 0:30 / /rootfs rw - tmpfs rootfs rw
        """;

    [Fact]
    public void RootfsUnderTheRootIsDetected()
    {
        Assert.True(RamdiskRoot.IsUnder(ChrootedOnRootfs));
        Assert.False(RamdiskRoot.IsUnder(PivotedOnExt4));
    }

    [Fact]
    public void PlanRunsDockerdWithConfiguredEnvironmentAndRamdisk()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-launch-").FullName;
        try
        {
            var mountInfo = Path.Combine(dir, "mountinfo");
            File.WriteAllText(mountInfo, ChrootedOnRootfs);
            var launch = new UserDockerLaunch { MountInfo = mountInfo };
            var (command, environment) = launch.Plan(
                new DockerConfig { StorageDriver = "overlay2", Environment = ["HTTPS_PROXY=http://p:1", "PATH=/x"] },
                new Dictionary<string, string> { ["PATH"] = "/usr/sbin:/usr/bin", ["HOME"] = "/root" });
            Assert.Equal(["/usr/sbin/dockerd", "--storage-driver=overlay2"], command);
            Assert.Equal("true", environment[RamdiskRoot.Variable]);
            Assert.Equal("http://p:1", environment["HTTPS_PROXY"]);
            Assert.Equal("/x", environment["PATH"]);
            Assert.Equal("/root", environment["HOME"]);

            File.WriteAllText(mountInfo, PivotedOnExt4);
            Assert.False(launch.Plan(null, new Dictionary<string, string>()).Environment.ContainsKey(RamdiskRoot.Variable));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void CliIsSharedOnceAndReplacedWhenItChanges()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-cli-").FullName;
        try
        {
            var cli = Path.Combine(dir, "docker");
            File.WriteAllText(cli, "one");
            var share = Path.Combine(dir, "engine");
            var copy = EngineCliShare.Share(cli, share);
            Assert.Equal(Path.Combine(share, "docker"), copy);
            Assert.Equal("one", File.ReadAllText(copy));
            Assert.True(File.GetUnixFileMode(copy).HasFlag(UnixFileMode.OtherExecute));

            File.WriteAllText(cli, "two, longer");
            EngineCliShare.Share(cli, share);
            Assert.Equal("two, longer", File.ReadAllText(copy));
            Assert.Throws<FileNotFoundException>(() => EngineCliShare.Share(Path.Combine(dir, "none"), share));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
