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
    public async Task RunsTheCommandReturnsItsExitCodeAndPassesSigtermOn()
    {
        using var tree = new ConsoleTree();
        Assert.Equal(7, await Entrypoint.RunAsync(["/bin/sh", "-c", "exit 7"], TestContext.Current.CancellationToken));

        var ready = tree.Path("ready");
        using var stop = new CancellationTokenSource();
        var run = Entrypoint.RunAsync(["/bin/sh", "-c", $"trap 'exit 42' TERM; touch {ready}; while :; do sleep 0.1; done"], stop.Token);
        while (!File.Exists(ready))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        stop.Cancel();
        Assert.Equal(42, await run.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));
    }
}
