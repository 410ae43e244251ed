using CorralOS.Compose;
using CorralOS.Config;

namespace CorralOS.Services.Tests;

/// <summary>The image's own rancher.services (os-config.yml) as the parser and the graph see them at boot.</summary>
public class DefaultServicesTests
{
    [Fact]
    public void The_shipped_services_parse_without_problems_and_order_without_a_cycle()
    {
        var tree = YamlDocument.Parse(BuiltInOsConfig.Text, "os-config.yml").Tree;
        var services = (IReadOnlyDictionary<string, object?>)ConfigTree.Get(tree, "rancher.services")!;

        var parsed = ComposeParser.ParseServices(services, "os-config.yml", "rancher.services", Interpolation.Environment(tree));

        Assert.Empty(parsed.Problems.Select(p => p.ToString()));
        Assert.Equal(services.Count, parsed.Services.Count);
        var waves = DependencyGraph.Build(parsed.Services).Waves();
        Assert.Equal(parsed.Services.Count, waves.Sum(w => w.Count));
        if (parsed.Services.Any(s => s.Name == "console") && parsed.Services.Any(s => s.Name == "network"))
        {
            var order = waves.SelectMany(w => w).ToList();
            Assert.True(order.IndexOf("network") < order.IndexOf("console"), string.Join(", ", order));
        }
    }

    [Fact]
    public void Every_default_service_but_the_console_runs_under_the_entrypoint_with_its_own_name()
    {
        // `ros entrypoint --container NAME` writes the write_files entries with `container: NAME` before the command;
        // the console applies its own (console-init). /usr/bin/ros comes from command-volumes (or all-volumes).
        var tree = YamlDocument.Parse(BuiltInOsConfig.Text, "os-config.yml").Tree;
        var services = (IReadOnlyDictionary<string, object?>)ConfigTree.Get(tree, "rancher.services")!;
        var parsed = ComposeParser.ParseServices(services, "os-config.yml", "rancher.services", Interpolation.Environment(tree));

        var running = parsed.Services.Where(s => !s.Rancher.IsCreateOnly && s.Name != "console").ToList();
        Assert.Contains(running, s => s.Name == "ntp");
        foreach (var service in running)
        {
            Assert.Equal(["/usr/bin/ros", "entrypoint", "--container", service.Name], service.Entrypoint);
            Assert.True(service.VolumesFrom.Intersect(["command-volumes", "all-volumes"]).Any(), $"{service.Name}: no /usr/bin/ros");
        }
    }

    [Fact]
    public void Udev_and_syslog_yield_the_cpu_to_the_services_started_waits_for()
    {
        // With one CPU the boot is CPU-bound: udev's coldplug and syslog run beside the starts of network, console,
        // ntp and docker, which `started` waits for, and take a small share while those want the CPU.
        var tree = YamlDocument.Parse(BuiltInOsConfig.Text, "os-config.yml").Tree;
        var services = (IReadOnlyDictionary<string, object?>)ConfigTree.Get(tree, "rancher.services")!;
        var parsed = ComposeParser.ParseServices(services, "os-config.yml", "rancher.services", Interpolation.Environment(tree)).Services.ToDictionary(s => s.Name);

        foreach (var name in new[] { "udev", "syslog" })
        {
            Assert.InRange(parsed[name].CpuShares ?? 0, 2, 1023);
        }
        foreach (var name in new[] { "network", "console", "ntp", "docker" })
        {
            Assert.Null(parsed[name].CpuShares);
        }
    }
}
