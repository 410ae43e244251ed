using CorralOS.Cli;
using CorralOS.Config;
using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>
/// Consoles (docs/console.md): the list's states, rancher.console replacing the service `console` with the shipped
/// catalog's definition, and `ros console list / enable / switch` in-process against the real engine, with the
/// console's image staged as an archive in /var/lib/rancher/images (where `enable` copies it from the boot medium).
/// </summary>
public sealed class RosConsoleTests : IClassFixture<EngineFixture>, IDisposable
{
    private const string Version = "t1";
    private readonly EngineFixture _fixture;
    private readonly SwitchableTestRoot _files;

    public RosConsoleTests(EngineFixture fixture)
    {
        _fixture = fixture;
        _files = new SwitchableTestRoot("console", fixture.Engine.Socket);
        // A default console as os-config.yml has it, on the busybox test image; no repositories (tests stay here).
        Write("usr/share/ros/os-config.yml", $$"""
            rancher:
              environment:
                VERSION: "{{Version}}"
              services:
                console:
                  image: busybox:test
                  command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
                  labels:
                    io.rancher.os.scope: system
                    io.docker.compose.rebuild: always
                    io.rancher.os.console: default
              services_include: {}
            """);
    }

    public void Dispose() => _files.Dispose();

    private string Root => _files.Path;

    private string Write(string relative, string text) => _files.Write(relative, text);

    private (int Exit, string Output, string Error) Ros(params string[] args) => _files.Ros(args);

    private Dictionary<string, object?> Config() => _files.Config();

    [Fact]
    public void The_list_marks_the_running_console_current_and_rancher_console_enabled()
    {
        string[] all = ["debian", "default"];
        Assert.Equal([("enabled", "debian"), ("current", "default")], Consoles.States(all, "default", "debian"));
        Assert.Equal([("current", "debian"), ("disabled", "default")], Consoles.States(all, "debian", "debian"));
        Assert.Equal([("disabled", "debian"), ("enabled", "default")], Consoles.States(all, null, "default"));
        Assert.Equal(["debian", "default"], Consoles.All(["debian", "default"]));
        Assert.Equal(["alpine", "default"], Consoles.All(["alpine"]));
    }

    [Fact]
    public async Task Rancher_console_debian_replaces_the_console_service_and_an_unknown_name_keeps_the_default()
    {
        using var http = new HttpClient();
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  console: debian\n");
        var config = Config();
        var project = await ProjectLoader.LoadAsync(config, new ServiceCatalog(new ConfigPaths(Root), config, http), TestContext.Current.CancellationToken);
        Assert.Empty(project.Problems);
        var console = Assert.Single(project.Services, s => s.Name == "console");
        Assert.Equal($"corralos/os-console-debian:{Version}", console.Image);
        Assert.Equal("debian", console.Labels["io.rancher.os.console"]);
        Assert.Equal("false", console.Labels["io.docker.compose.rebuild"]);
        Assert.Contains("console-debian-usr:/usr", console.Volumes);

        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  console: nope\n");
        config = Config();
        project = await ProjectLoader.LoadAsync(config, new ServiceCatalog(new ConfigPaths(Root), config, http), TestContext.Current.CancellationToken);
        Assert.Equal("busybox:test", Assert.Single(project.Services, s => s.Name == "console").Image);
        Assert.Contains("nope is not a valid console; the default console stays", Assert.Single(project.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_stages_the_image_and_sets_rancher_console_and_invalid_names_are_refused()
    {
        Assert.Equal((0, "disabled debian\nenabled default\n", ""), Ros("list"));
        Assert.Equal((1, "", "nope is not a valid console\n"), Ros("enable", "nope"));
        Assert.Equal((1, "", "nope is not a valid console\n"), Ros("switch", "-f", "nope"));
        Assert.Equal(Consoles.Default, Consoles.Enabled(Config()));

        // The staged archive (as copied from the ISO): a busybox image under the console's name, whose `ros` sleeps.
        var image = $"corralos/os-console-debian:{Version}";
        Directory.CreateDirectory(Path.Combine(Root, "var/lib/rancher/images"));
        await File.WriteAllBytesAsync(Path.Combine(Root, "var/lib/rancher/images/os-console-debian.tar"),
            TestImage.Tar(BusyboxImage.Create(image, layer => layer
                .File("bin/ros", "#!/bin/sh\nexec sleep 1000\n", (UnixFileMode)0b111_101_101)).DockerSaveFiles()), TestContext.Current.CancellationToken);
        var enable = Ros("enable", "debian");
        Assert.Equal(0, enable.Exit);
        Assert.Matches($"^loaded {image} from os-console-debian.tar in \\d+ ms\n$", enable.Output);
        Assert.NotNull(await _fixture.Client.InspectImageAsync(image, TestContext.Current.CancellationToken));
        Assert.Equal("debian", Consoles.Enabled(Config()));
        Assert.Equal((0, "enabled debian\ndisabled default\n", ""), Ros("list"));

        // What the switch-console container runs: the running default console is stopped and replaced by debian's,
        // with its named volumes (all-volumes, which the real definition takes its mounts from, made here).
        var manager = new ServiceManager(_ => _fixture.Client, ManagedLabels.DefaultProject, Root);
        var services = (await ProjectLoader.LoadAsync(Consoles.WithConsole(Config(), "default"), new ServiceCatalog(new ConfigPaths(Root), Config(), new HttpClient()), TestContext.Current.CancellationToken)).Services;
        var volumes = await _fixture.Client.CreateContainerAsync("all-volumes", new Engine.Client.ContainerSpec { Image = "busybox:test", Cmd = ["true"] }, TestContext.Current.CancellationToken);
        try
        {
            await manager.UpAsync(services, new UpOptions { Only = ["console"] }, TestContext.Current.CancellationToken);
            Assert.Equal((0, "enabled debian\ncurrent default\n", ""), Ros("list"));
            var output = new StringWriter();
            var error = new StringWriter();
            Assert.True(0 == Dispatcher.Run("ros", ["switch-console", "--root", Root, "--host", "unix://" + _fixture.Engine.Socket, "debian"], output, error), output + "/" + error);
            Assert.Equal("console: stopped\nconsole: recreated\nconsole: started\n", output.ToString());
            var console = await _fixture.InspectAsync("console");
            Assert.True(console.State.Running);
            Assert.Equal(image, console.Config.Image);
            Assert.Equal((0, "current debian\ndisabled default\n", ""), Ros("list"));
            Assert.Equal((0, "console debian is already running\n", ""), Ros("switch", "debian"));
        }
        finally
        {
            await _fixture.Client.RemoveContainerAsync("console", force: true, cancellationToken: TestContext.Current.CancellationToken);
            await _fixture.Client.RemoveContainerAsync(volumes, force: true, cancellationToken: TestContext.Current.CancellationToken);
        }

        // The running console container's label says which one is current.
        Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  console: default\n");
        services = (await ProjectLoader.LoadAsync(Config(), new ServiceCatalog(new ConfigPaths(Root), Config(), new HttpClient()), TestContext.Current.CancellationToken)).Services;
        try
        {
            await manager.UpAsync(services, new UpOptions { Only = ["console"] }, TestContext.Current.CancellationToken);
            Assert.Equal((0, "disabled debian\ncurrent default\n", ""), Ros("list"));
            Assert.Equal((0, "console default is already running\n", ""), Ros("switch", "default"));
        }
        finally
        {
            await manager.RemoveAsync(services, ["console"], force: true, volumes: false, TestContext.Current.CancellationToken);
        }
    }
}
