using CorralOS.Config;
using CorralOS.Config.Model;

namespace CorralOS.Docker.Tests;

public sealed class DockerdArgumentsTests
{
    private static DockerConfig Parse(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("corralos-docker-").FullName;
        try
        {
            var paths = new ConfigPaths(dir);
            Directory.CreateDirectory(Path.GetDirectoryName(paths.CloudConfig)!);
            File.WriteAllText(paths.CloudConfig, "#cloud-config\n" + yaml);
            return new ConfigLoader(paths).Load().Model.Rancher!.Docker!;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BuiltInDefaultsGiveGroupSocketAndLogOptions()
    {
        var config = Parse("hostname: x\n");
        Assert.Equal(["--group=docker", "--host=unix:///var/run/docker.sock", "--log-opt=max-file=2", "--log-opt=max-size=25m"],
            DockerdArguments.Build(config));
    }

    [Fact]
    public void EveryHonouredKeyBecomesItsFlag()
    {
        var config = Parse("""
            rancher:
              docker:
                storage_driver: vfs
                bridge: br-user
                bip: 10.99.0.1/24
                debug: true
                live_restore: false
                userland_proxy: false
                log_driver: json-file
                log_opts: {max-size: 10m, labels: a}
                insecure_registry: [reg.local:5000, 10.0.0.1:5000]
                registry_mirror: [http://mirror.local:5000]
                graph: /var/lib/docker2
                pid_file: /run/d.pid
                exec_root: /run/d
                extra_args: [--mtu, "1400", --experimental]
            """);
        Assert.Equal(
        [
            "--bip=10.99.0.1/24", "--bridge=br-user", "--data-root=/var/lib/docker2", "--debug=true",
            "--exec-root=/run/d", "--group=docker", "--host=unix:///var/run/docker.sock",
            "--insecure-registry=10.0.0.1:5000", "--insecure-registry=reg.local:5000", "--live-restore=false",
            "--log-driver=json-file", "--log-opt=labels=a", "--log-opt=max-file=2", "--log-opt=max-size=10m",
            "--pidfile=/run/d.pid", "--registry-mirror=http://mirror.local:5000", "--storage-driver=vfs",
            "--userland-proxy=false",
            "--mtu", "1400", "--experimental",
        ], Order(DockerdArguments.Build(config)));
    }

    // Order within the fixed flags does not matter to dockerd; extra_args must stay last and in order.
    private static List<string> Order(IReadOnlyList<string> arguments)
    {
        var extra = arguments.SkipWhile(a => a != "--mtu").ToList();
        return [.. arguments.Take(arguments.Count - extra.Count).Order(StringComparer.Ordinal), .. extra];
    }

    [Fact]
    public void NothingConfiguredGivesNoArguments() => Assert.Empty(DockerdArguments.Build(null));

    [Fact]
    public void EngineAndCertificateKeysAreNotDaemonFlags()
    {
        var arguments = DockerdArguments.Build(new DockerConfig { Engine = "docker-20.10", StorageContext = "console", Exec = true, Restart = true, Environment = ["A=b"], CaCert = "x", CaKey = "y", ServerCert = "z", ServerKey = "w", TlsArgs = ["--tlsverify"] });
        Assert.Empty(arguments);
    }

    [Fact]
    public void TlsAddsTheBuiltInTlsArgsAfterExtraArgsAndKeepsTheUnixSocket()
    {
        var arguments = DockerdArguments.Build(Parse("rancher:\n  docker:\n    tls: true\n    extra_args: [--mtu, \"1400\"]\n"));
        Assert.Equal(
        [
            "--group=docker", "--host=unix:///var/run/docker.sock", "--log-opt=max-file=2", "--log-opt=max-size=25m",
            "--mtu", "1400",
            "--tlsverify", "--tlscacert=/etc/docker/tls/ca.pem", "--tlscert=/etc/docker/tls/server-cert.pem",
            "--tlskey=/etc/docker/tls/server-key.pem", "-H=tcp://0.0.0.0:2376",
        ], arguments);
    }

    [Fact]
    public void TlsArgsAreLeftOutWithoutTlsAndReplacedWhenGiven()
    {
        Assert.DoesNotContain("--tlsverify", DockerdArguments.Build(Parse("rancher:\n  docker:\n    tls: false\n")));
        var arguments = DockerdArguments.Build(Parse("rancher:\n  docker:\n    tls: true\n    tls_args: [--tlsverify, -H=tcp://127.0.0.1:2377]\n"));
        Assert.Equal(["--tlsverify", "-H=tcp://127.0.0.1:2377"], arguments.TakeLast(2));
        Assert.Single(arguments, a => a.StartsWith("--tls", StringComparison.Ordinal));
        // With the list emptied the defaults still give dockerd its certificates.
        Assert.Equal(DockerdArguments.DefaultTlsArgs, DockerdArguments.Build(new DockerConfig { Tls = true, TlsArgs = [] }));
    }

    [Fact]
    public void EnvironmentTakesPairsAndBareNamesFromTheCurrentEnvironment()
    {
        var config = new DockerConfig { Environment = ["HTTP_PROXY=http://proxy:3128", "NO_PROXY", "UNSET", "A=b=c"] };
        var environment = DockerdArguments.Environment(config, name => name == "NO_PROXY" ? "localhost" : null);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "b=c", ["HTTP_PROXY"] = "http://proxy:3128", ["NO_PROXY"] = "localhost" }, environment);
    }
}
