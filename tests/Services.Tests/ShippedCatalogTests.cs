using System.Text.RegularExpressions;
using CorralOS.Cli;
using CorralOS.Compose;
using CorralOS.Config;
using CorralOS.Testing;

namespace CorralOS.Services.Tests;

/// <summary>
/// The services catalog shipped in the image (images/services → /usr/share/ros/services): every file parses, the
/// index and the files agree, every image is one build/images.sh makes; and, with the real image archives of
/// dist/images (make images), `ros service enable` and `up` bring qemu-guest-agent up on the real engine.
/// </summary>
public sealed partial class ShippedCatalogTests : IClassFixture<EngineFixture>, IDisposable
{
    private static readonly string s_catalog = Path.Combine(RepoPaths.Root, "images/services");
    private readonly EngineFixture _fixture;
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-catalog-").FullName;

    public ShippedCatalogTests(EngineFixture fixture)
    {
        _fixture = fixture;
        // The image's catalog, installed where build/initrd.sh puts it; defaults without repositories (tests stay here).
        foreach (var file in Directory.GetFiles(s_catalog, "*.yml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_root, "usr/share/ros/services", Path.GetRelativePath(s_catalog, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Directory.CreateDirectory(Path.Combine(_root, "usr/share/ros"));
        File.WriteAllText(Path.Combine(_root, "usr/share/ros/os-config.yml"),
            $"rancher:\n  environment:\n    VERSION: \"{RepoPaths.Version}\"\n  services: {{}}\n  services_include: {{}}\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [GeneratedRegex(@"^corralos/(os-[a-z0-9-]+):\$\{VERSION\}$")]
    private static partial Regex SystemImage();

    private static List<string> IndexedServices() => Indexed("services");

    private static List<string> Indexed(string key) =>
        ((IEnumerable<object?>)((IReadOnlyDictionary<string, object?>)YamlValues.Parse(File.ReadAllText(Path.Combine(s_catalog, "index.yml")))!)[key]!)
            .Cast<string>().ToList();

    [Fact]
    public void Every_console_file_defines_the_console_service_on_an_image_build_consoles_makes()
    {
        var consoles = Indexed("consoles");
        Assert.Equal(["debian"], consoles);
        foreach (var name in consoles)
        {
            var parsed = ComposeParser.ParseFile(File.ReadAllText(Path.Combine(s_catalog, $"{name[0]}/{name}.yml")), name, new Dictionary<string, string> { ["VERSION"] = "v" });
            Assert.Empty(parsed.Problems.Select(p => p.ToString()));
            var console = Assert.Single(parsed.Services);
            Assert.Equal(("console", $"corralos/os-console-{name}:v", name), (console.Name, console.Image, console.Labels["io.rancher.os.console"]));
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "images/consoles", name, "image.sh")), $"build/consoles.sh makes no {name}");
        }
    }

    [Fact]
    public void Every_engine_file_defines_the_docker_service_on_an_image_build_engines_makes()
    {
        var engines = Indexed("engines");
        Assert.Equal(["podman"], engines);
        foreach (var name in engines)
        {
            var parsed = ComposeParser.ParseFile(File.ReadAllText(Path.Combine(s_catalog, $"{name[0]}/{name}.yml")), name, new Dictionary<string, string> { ["VERSION"] = "v" });
            Assert.Empty(parsed.Problems.Select(p => p.ToString()));
            var engine = Assert.Single(parsed.Services);
            Assert.Equal(("docker", $"corralos/os-{name}:v", name), (engine.Name, engine.Image, engine.Labels["io.rancher.os.engine"]));
            var recipe = File.ReadAllText(Path.Combine(RepoPaths.Root, "images/engines", name, "image.sh"));
            Assert.Contains($"IMAGE=os-{name}\n", recipe.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_catalog_file_parses_is_indexed_and_names_an_image_the_build_makes()
    {
        var indexed = IndexedServices();
        Assert.Contains("qemu-guest-agent", indexed);
        Assert.Contains("crontab", indexed);
        Assert.Contains("open-vm-tools", indexed);
        var files = Directory.GetFiles(s_catalog, "*.yml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(s_catalog, f)).Where(f => f != "index.yml").Order(StringComparer.Ordinal).ToList();
        // The reference's layout: <first letter>/<name>.yml for each indexed name (services, consoles, engines), and no file
        // the index does not list.
        Assert.Equal(indexed.Concat(Indexed("consoles")).Concat(Indexed("engines")).Select(n => $"{n[0]}/{n}.yml").Order(StringComparer.Ordinal), files);

        foreach (var name in indexed)
        {
            var text = File.ReadAllText(Path.Combine(s_catalog, $"{name[0]}/{name}.yml"));
            var parsed = ComposeParser.ParseFile(text, name, new Dictionary<string, string> { ["VERSION"] = "v" });
            Assert.Empty(parsed.Problems.Select(p => p.ToString()));
            Assert.Contains(parsed.Services, s => s.Name == name);
            var raw = (IReadOnlyDictionary<string, object?>)YamlValues.Parse(text)!;
            foreach (var service in parsed.Services)
            {
                Assert.Equal(ServiceScope.System, service.Rancher.ServiceScope);
                var image = (string)((IReadOnlyDictionary<string, object?>)raw[service.Name]!)["image"]!;
                var match = SystemImage().Match(image);
                Assert.True(match.Success, $"{name}: image {image} is not corralos/os-NAME:${{VERSION}}");
                Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "images/system", match.Groups[1].Value, "image.sh")),
                    $"{name}: build/images.sh makes no {match.Groups[1].Value} (images/system/{match.Groups[1].Value}/image.sh)");
            }
        }
        Assert.Contains("images/services", File.ReadAllText(Path.Combine(RepoPaths.Root, "build/initrd.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void Ros_service_list_shows_the_shipped_services()
    {
        var (exit, output, error) = Ros("list");
        Assert.Equal((0, ""), (exit, error));
        Assert.Equal(string.Concat(IndexedServices().Order(StringComparer.Ordinal).Select(n => $"disabled {n}\n")), output);
    }

    [Fact]
    public async Task Qemu_guest_agent_is_enabled_and_brought_up_from_the_real_image_archives()
    {
        // The initrd's archives where build/initrd.sh puts them: no registry has corralos/os-* images, so `enable` and
        // `up` load a missing one from there, as PID 1 does at boot.
        var image = $"corralos/os-qemu-guest-agent:{RepoPaths.Version}";
        var archives = Directory.CreateDirectory(Path.Combine(_root, "usr/share/ros/images")).FullName;
        foreach (var name in (string[])["os-base", "os-qemu-guest-agent"])
        {
            File.CreateSymbolicLink(Path.Combine(archives, name + ".tar"), RepoPaths.RequireFile(Path.Combine(RepoPaths.Dist, "images", name + ".tar")));
        }
        var loadedLine = $"loaded {Regex.Escape(image)} from os-qemu-guest-agent.tar in [0-9]+ ms\n";
        await _fixture.Engine.DockerAsync("rmi", image); // another test of this class may have loaded it

        var enabled = Ros("enable", "qemu-guest-agent");
        Assert.Equal((0, ""), (enabled.Exit, enabled.Error));
        Assert.Matches($"^{loadedLine}$", enabled.Output);
        Assert.Equal("disabled crontab\ndisabled open-vm-tools\nenabled qemu-guest-agent\n", Ros("list").Output);
        Assert.Contains("qemu-guest-agent: true", File.ReadAllText(Path.Combine(_root, "var/lib/rancher/conf/cloud-config.yml")), StringComparison.Ordinal);

        Assert.Equal(0, (await _fixture.Engine.DockerAsync("rmi", image)).Exit);
        var up = Ros("up", "qemu-guest-agent");
        Assert.Equal((0, ""), (up.Exit, up.Error));
        Assert.Matches($"^{loadedLine}qemu-guest-agent: created\nqemu-guest-agent: started\n$", up.Output);
        var container = await _fixture.InspectAsync("qemu-guest-agent");
        Assert.Equal(image, container.Config.Image);
        // qemu-ga ran with its libraries: on this host there is no virtio-serial port for it, and it says so.
        string logs;
        while (!(logs = await _fixture.LogsAsync("qemu-guest-agent")).Contains("error opening channel '/dev/virtio-ports/org.qemu.guest_agent.0'", StringComparison.Ordinal))
        {
            Assert.DoesNotContain("error while loading shared libraries", logs, StringComparison.Ordinal);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal(0, Ros("rm", "-f", "qemu-guest-agent").Exit);
    }

    [Theory]
    [InlineData("os-qemu-guest-agent", "QEMU Guest Agent 7.", "qemu-ga", "-V")]
    [InlineData("os-open-vm-tools", "must be run inside a virtual machine on a VMware hypervisor", "vmware-checkvm")]
    [InlineData("os-crontab", "crond (busybox 1.", "crond", "-f", "-L", "/dev/stderr", "-c", "/etc/crontabs")]
    public async Task Each_catalog_image_from_the_real_archive_runs_its_program(string image, string expected, params string[] command)
    {
        using (var loaded = await _fixture.Engine.LoadAsync(File.ReadAllBytes(RepoPaths.RequireFile(Path.Combine(RepoPaths.Dist, "images", "os-base.tar")))))
        {
            Assert.True(loaded.IsSuccessStatusCode);
        }
        using (var loaded = await _fixture.Engine.LoadAsync(File.ReadAllBytes(RepoPaths.RequireFile(Path.Combine(RepoPaths.Dist, "images", image + ".tar")))))
        {
            Assert.True(loaded.IsSuccessStatusCode);
        }
        var name = "catalog-run-" + image;
        var run = await _fixture.Engine.DockerAsync(["run", "-d", "--name", name, $"corralos/{image}:{RepoPaths.Version}", .. command]);
        Assert.True(run.Exit == 0, run.Error);
        string logs;
        while (!(logs = await _fixture.LogsAsync(name)).Contains(expected, StringComparison.Ordinal))
        {
            Assert.DoesNotContain("error while loading shared libraries", logs, StringComparison.Ordinal);
            Assert.DoesNotContain("not found", logs, StringComparison.Ordinal);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal(0, (await _fixture.Engine.DockerAsync("rm", "-f", name)).Exit);
    }

    private (int Exit, string Output, string Error) Ros(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var socket = "unix://" + _fixture.Engine.Socket;
        var exit = Dispatcher.Run("ros", ["service", "--root", _root, "--host", socket, "--user-host", socket, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
