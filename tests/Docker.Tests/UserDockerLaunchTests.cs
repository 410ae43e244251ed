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
    public void CliIsCopiedOnceAndReplacedWhenItChangesWhenNoStoreHoldsIt()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-cli-").FullName;
        try
        {
            var cli = Path.Combine(dir, "docker");
            File.WriteAllText(cli, "one");
            var share = Path.Combine(dir, "engine");
            var copy = EngineCliShare.Share(cli, share, Path.Combine(dir, "no-store"));
            Assert.Equal(Path.Combine(share, "docker"), copy);
            Assert.Null(new FileInfo(copy).LinkTarget);
            Assert.Equal("one", File.ReadAllText(copy));
            Assert.True(File.GetUnixFileMode(copy).HasFlag(UnixFileMode.OtherExecute));

            File.WriteAllText(cli, "two, longer");
            EngineCliShare.Share(cli, share, Path.Combine(dir, "no-store"));
            Assert.Equal("two, longer", File.ReadAllText(copy));
            Assert.Throws<FileNotFoundException>(() => EngineCliShare.Share(Path.Combine(dir, "none"), share));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A CLI in a layer of a store (as the system images file holds User Docker's image), same size and mtime as <paramref name="cli"/>.</summary>
    private static string StoreLayerCopy(string store, string layer, string cli, string content)
    {
        var stored = Path.Combine(store, "image", "layers", "sha256", layer, "diff", Path.GetRelativePath("/", cli));
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        File.WriteAllText(stored, content);
        File.SetUnixFileMode(stored, File.GetUnixFileMode(cli));
        File.SetLastWriteTimeUtc(stored, File.GetLastWriteTimeUtc(cli));
        return stored;
    }

    [Fact]
    public void CliIsLinkedIntoTheReadOnlyStoreWhenTheIdenticalFileIsThereAndReachable()
    {
        var dir = Directory.CreateTempSubdirectory("corralos-cli-").FullName;
        try
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1ED); // 0755: the temporary directory is 0700
            var cli = Path.Combine(dir, "image", "usr", "bin", "docker");
            Directory.CreateDirectory(Path.GetDirectoryName(cli)!);
            File.WriteAllText(cli, "docker 20.10");
            File.SetUnixFileMode(cli, (UnixFileMode)0x1ED);
            File.SetLastWriteTimeUtc(cli, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var store = Path.Combine(dir, "store");
            StoreLayerCopy(store, "aaaa", cli, "docker 20.11"); // same size and mtime, another head: not it
            var stored = StoreLayerCopy(store, "bbbb", cli, "docker 20.10");
            var share = Path.Combine(dir, "engine");
            Directory.CreateDirectory(share);
            File.WriteAllText(Path.Combine(share, "docker"), "an older version's copy");

            var link = EngineCliShare.Share(cli, share, store);

            Assert.Equal(stored, new FileInfo(link).LinkTarget);
            Assert.Equal("docker 20.10", File.ReadAllText(link));
            Assert.False(File.Exists(link + ".new"));

            // Another mtime, or a store its users cannot traverse (the store root 0700): copied, the link replaced.
            File.SetUnixFileMode(store, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            EngineCliShare.Share(cli, share, store);
            Assert.Null(new FileInfo(link).LinkTarget);
            Assert.Equal("docker 20.10", File.ReadAllText(link));

            File.SetUnixFileMode(store, (UnixFileMode)0x1C9); // 0711, as build/initrd.sh leaves the system images file's root
            EngineCliShare.Share(cli, share, store);
            Assert.Equal(stored, new FileInfo(link).LinkTarget);

            File.SetLastWriteTimeUtc(cli, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
            EngineCliShare.Share(cli, share, store);
            Assert.Null(new FileInfo(link).LinkTarget);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
