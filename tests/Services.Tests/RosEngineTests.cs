using CorralOS.Config;
using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>
/// User Docker engines (docs/user-docker.md, "Engines"): the list's states, rancher.docker.engine replacing the service
/// `docker` with the shipped catalog's podman, an unknown name keeping the built-in Docker, and `ros engine list /
/// enable / switch` in-process against the real engine, with podman's image staged as an archive in
/// /var/lib/rancher/images (where `enable` copies it from the boot medium).
/// </summary>
public sealed class RosEngineTests : IClassFixture<EngineFixture>, IDisposable
{
    private const string Version = "t1";
    private const string Sleeper = "trap 'exit 0' TERM; while true; do sleep 1; done";
    private readonly EngineFixture _fixture;
    private readonly SwitchableTestRoot _files;

    public RosEngineTests(EngineFixture fixture)
    {
        _fixture = fixture;
        _files = new SwitchableTestRoot("engine", fixture.Engine.Socket);
        // The built-in docker service as os-config.yml names it, on the busybox test image; the defaults' engine name.
        Write("usr/share/ros/os-config.yml", $$"""
            rancher:
              environment:
                VERSION: "{{Version}}"
              defaults:
                docker:
                  engine: docker
              docker:
                engine: docker
              services:
                docker:
                  image: busybox:test
                  command: ["sh", "-c", "{{Sleeper}}"]
                  labels:
                    io.rancher.os.scope: system
              services_include: {}
            """);
    }

    public void Dispose() => _files.Dispose();

    private string Root => _files.Path;

    private string Write(string relative, string text) => _files.Write(relative, text);

    private (int Exit, string Output, string Error) Ros(params string[] args) => _files.Ros(args);

    private Dictionary<string, object?> Config() => _files.Config();

    [Fact]
    public void The_list_marks_the_running_engine_current_and_rancher_docker_engine_enabled()
    {
        string[] all = ["docker", "podman"];
        Assert.Equal([("current", "docker"), ("enabled", "podman")], SwitchableService.States(all, "docker", "podman"));
        Assert.Equal([("disabled", "docker"), ("current", "podman")], SwitchableService.States(all, "podman", "podman"));
        Assert.Equal([("enabled", "docker"), ("disabled", "podman")], SwitchableService.States(all, null, "docker"));
        Assert.Equal(["docker", "podman"], Engines.Switchable.All(["podman", "docker"]));

        // RancherOS's rule: the defaults' engine name (an old config's docker-19.03.15 too) is the built-in one.
        Dictionary<string, object?> Tree(string engine, string defaults) => new(StringComparer.Ordinal)
        {
            ["rancher"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["docker"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["engine"] = engine },
                ["defaults"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["docker"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["engine"] = defaults } },
            },
        };
        Assert.Equal("docker", Engines.Switchable.Enabled(Tree("docker-19.03.15", "docker-19.03.15")));
        Assert.Equal("podman", Engines.Switchable.Enabled(Tree("podman", "docker")));
        Assert.Equal("docker", Engines.Switchable.Enabled(Tree("", "docker")));
        var switched = Engines.Switchable.With(Tree("docker", "docker"), "podman");
        Assert.Equal("podman", ConfigTree.Get(switched, "rancher.docker.engine"));
        Assert.Equal("docker", ConfigTree.Get(switched, "rancher.defaults.docker.engine"));
    }

    [Fact]
    public void Help_lists_the_subcommands_and_no_subcommand_is_one_line()
    {
        var help = Ros("--help");
        Assert.Equal(0, help.Exit);
        foreach (var line in (string[])["list", "switch", "enable", "List, switch and enable User Docker engines (docker, podman)"])
        {
            Assert.Contains(line, help.Output, StringComparison.Ordinal);
        }
        var switchHelp = Ros("switch", "--help").Output;
        Assert.Contains("-f, --force", switchHelp, StringComparison.Ordinal);
        Assert.Contains("docker, or an engine of the catalog (ros engine list)", switchHelp, StringComparison.Ordinal);
        Assert.Equal((2, "", "engine: a subcommand is required; see 'ros engine --help'\n"), Ros());
    }

    [Fact]
    public async Task Rancher_docker_engine_podman_replaces_the_docker_service_and_an_unknown_name_keeps_docker()
    {
        using var http = new HttpClient();
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  docker:\n    engine: podman\n");
        var config = Config();
        var project = await ProjectLoader.LoadAsync(config, new ServiceCatalog(new ConfigPaths(Root), config, http), TestContext.Current.CancellationToken);
        Assert.Empty(project.Problems);
        var docker = Assert.Single(project.Services, s => s.Name == "docker");
        Assert.Equal($"corralos/os-podman:{Version}", docker.Image);
        Assert.Equal("podman", docker.Labels["io.rancher.os.engine"]);
        Assert.Equal(["ros", "user-podman"], docker.Command);
        Assert.Contains("all-volumes", docker.VolumesFrom);

        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  docker:\n    engine: nope\n");
        config = Config();
        project = await ProjectLoader.LoadAsync(config, new ServiceCatalog(new ConfigPaths(Root), config, http), TestContext.Current.CancellationToken);
        Assert.Equal("busybox:test", Assert.Single(project.Services, s => s.Name == "docker").Image);
        Assert.Contains("nope is not a valid engine; the default engine stays", Assert.Single(project.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_and_switch_replace_the_docker_service_and_invalid_names_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal((0, "enabled docker\ndisabled podman\n", ""), Ros("list"));
        Assert.Equal((1, "", "nope is not a valid engine\n"), Ros("enable", "nope"));
        Assert.Equal((1, "", "nope is not a valid engine\n"), Ros("switch", "-f", "nope"));
        Assert.Equal(Engines.Default, Engines.Switchable.Enabled(Config()));

        // The staged archive (as copied from the ISO): a busybox image under podman's name, whose `ros` waits for TERM.
        var image = $"corralos/os-podman:{Version}";
        Directory.CreateDirectory(Path.Combine(Root, "var/lib/rancher/images"));
        await File.WriteAllBytesAsync(Path.Combine(Root, "var/lib/rancher/images/os-podman.tar"),
            TestImage.Tar(BusyboxImage.Create(image, layer => layer
                .File("usr/bin/ros", $"#!/bin/sh\n{Sleeper}\n", (UnixFileMode)0b111_101_101)).DockerSaveFiles()), ct);
        var enable = Ros("enable", "podman");
        Assert.Equal(0, enable.Exit);
        Assert.Matches($"^loaded {image} from os-podman.tar in \\d+ ms\n$", enable.Output);
        Assert.NotNull(await _fixture.Client.InspectImageAsync(image, ct));
        Assert.Equal("podman", Engines.Switchable.Enabled(Config()));
        Assert.Equal((0, "disabled docker\nenabled podman\n", ""), Ros("list"));

        // The built-in Docker running, then switched: the service `docker` is stopped and recreated from podman's file
        // (whose volumes_from needs all-volumes, made here).
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  docker:\n    engine: docker\n");
        var manager = new ServiceManager(_ => _fixture.Client, ManagedLabels.DefaultProject, Root);
        var services = (await ProjectLoader.LoadAsync(Config(), new ServiceCatalog(new ConfigPaths(Root), Config(), new HttpClient()), ct)).Services;
        var volumes = await _fixture.Client.CreateContainerAsync("all-volumes", new Engine.Client.ContainerSpec { Image = "busybox:test", Cmd = ["true"] }, ct);
        try
        {
            await manager.UpAsync(services, new UpOptions { Only = ["docker"] }, ct);
            Assert.Equal((0, "current docker\ndisabled podman\n", ""), Ros("list"));

            var switched = Ros("switch", "-f", "podman");
            Assert.Equal((0, "docker: stopped\ndocker: recreated\ndocker: started\nswitched to engine podman; 'wait-for-docker' waits until it answers\n", ""), switched);
            var docker = await _fixture.InspectAsync("docker");
            Assert.True(docker.State.Running);
            Assert.Equal(image, docker.Config.Image);
            Assert.Equal("podman", Engines.Switchable.Enabled(Config()));
            Assert.Equal((0, "disabled docker\ncurrent podman\n", ""), Ros("list"));
            Assert.Equal((0, "engine podman is already running\n", ""), Ros("switch", "podman"));

            Assert.Equal(0, Ros("switch", "-f", "docker").Exit);
            docker = await _fixture.InspectAsync("docker");
            Assert.True(docker.State.Running);
            Assert.Equal("busybox:test", docker.Config.Image);
            Assert.Equal("docker", ConfigTree.Get(Config(), "rancher.docker.engine"));
            Assert.Equal((0, "current docker\ndisabled podman\n", ""), Ros("list"));
        }
        finally
        {
            await _fixture.Client.RemoveContainerAsync("docker", force: true, cancellationToken: ct);
            await _fixture.Client.RemoveContainerAsync(volumes, force: true, cancellationToken: ct);
        }
    }
}
