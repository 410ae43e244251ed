namespace CorralOS.Console.Tests;

public sealed class EntrypointTests
{
    [Fact]
    public void WritesOnlyThisContainersFilesAndLinksTheApplets()
    {
        using var tree = new ConsoleTree(cloudConfig: """
            write_files:
              - path: /etc/ntp.conf
                container: ntp
                content: server 127.0.0.1
                owner: rancher
              - path: /etc/console-only
                content: console
              - path: /etc/syslog-only
                container: syslog
                content: syslog
            """);
        tree.Write("usr/bin/ros", "");
        tree.Write("etc/ssl/certs/ca-certificates.crt.rancher", "CA");

        Assert.Empty(Entrypoint.Prepare(tree.Options, "ntp"));

        Assert.Equal("server 127.0.0.1", tree.Read("etc/ntp.conf"));
        Assert.Equal("1100:1100", tree.Owner("etc/ntp.conf"));
        Assert.False(File.Exists(tree.Path("etc/console-only")));
        Assert.False(File.Exists(tree.Path("etc/syslog-only")));
        Assert.Equal("CA", tree.Read("etc/ssl/certs/ca-certificates.crt"));
        Assert.Equal("ros", new FileInfo(tree.Path("usr/bin/respawn")).LinkTarget);
    }

    [Fact]
    public void The_hosts_dev_is_bound_over_dev_with_the_mounts_under_it()
    {
        using var tree = new ConsoleTree();
        tree.Write("host/dev/console-like", "host");
        Directory.CreateDirectory(tree.Path("host/dev/shm"));
        Directory.CreateDirectory(tree.Path("dev"));
        Linux.Mounts.Mount("tmpfs", tree.Path("host/dev/shm"), "tmpfs");
        try
        {
            File.WriteAllText(tree.Path("host/dev/shm/inside"), "shm");

            Assert.Empty(Entrypoint.Prepare(tree.Options, containerName: null));

            Assert.Equal("host", tree.Read("dev/console-like"));
            Assert.Equal("shm", tree.Read("dev/shm/inside"));
        }
        finally
        {
            // A lazy unmount takes the mounts under it along.
            if (Linux.Mounts.IsMountPoint(tree.Path("dev")))
            {
                Linux.Mounts.Unmount(tree.Path("dev"), detach: true);
            }
            Linux.Mounts.Unmount(tree.Path("host/dev/shm"), detach: true);
        }
    }

    [Fact]
    public void A_command_that_cannot_be_executed_gets_a_shells_status_and_one_line_naming_it()
    {
        Assert.Equal((127, "entrypoint: syslogd: not found"), Entrypoint.ExecFailure("syslogd", 2 /* ENOENT */));
        Assert.Equal((126, "entrypoint: /etc/passwd: cannot execute: Permission denied"), Entrypoint.ExecFailure("/etc/passwd", 13 /* EACCES */));
    }
}
