namespace CorralOS.Services.Tests;

public class DependencyGraphTests
{
    // The reference's default system services (§1.6), reduced to what orders them.
    private const string RancherDefaults = """
        command-volumes: {image: os-base, labels: {io.rancher.os.createonly: "true", io.rancher.os.scope: system}}
        system-volumes: {image: os-base, labels: {io.rancher.os.createonly: "true", io.rancher.os.scope: system}}
        user-volumes: {image: os-base, labels: {io.rancher.os.createonly: "true", io.rancher.os.scope: system}}
        all-volumes:
          image: os-base
          labels: {io.rancher.os.createonly: "true", io.rancher.os.scope: system}
          volumes_from: [command-volumes, system-volumes, user-volumes]
        udev-cold: {image: os-base, labels: {io.rancher.os.detach: "false", io.rancher.os.scope: system}}
        udev: {image: os-base, labels: {io.rancher.os.after: udev-cold, io.rancher.os.scope: system}}
        network: {image: os-base, labels: {io.rancher.os.after: udev, io.rancher.os.reloadconfig: "true", io.rancher.os.scope: system}}
        ntp: {image: os-base, labels: {io.rancher.os.after: network, io.rancher.os.scope: system}}
        cloud-init-execute: {image: os-base, labels: {io.rancher.os.after: ntp, io.rancher.os.detach: "false", io.rancher.os.scope: system}}
        console:
          image: os-console
          labels: {io.rancher.os.after: cloud-init, io.rancher.os.scope: system}
          volumes_from: [all-volumes]
        docker: {image: os-docker, labels: {io.rancher.os.after: console, io.rancher.os.scope: system}}
        syslog: {image: os-syslog, labels: {io.rancher.os.scope: system}}
        logrotate: {image: os-logrotate, labels: {io.rancher.os.before: system-cron, io.rancher.os.scope: system}}
        system-cron: {image: container-crontab, labels: {io.rancher.os.scope: system}}
        rancher-server: {image: rancher/server, log_driver: syslog, labels: {io.rancher.os.scope: user}}
        """;

    [Fact]
    public void The_rancher_default_services_start_in_the_reference_order()
    {
        var graph = DependencyGraph.Build(Definitions.Parse(RancherDefaults));
        Assert.Equal(
        [
            ["command-volumes", "system-volumes", "user-volumes", "udev-cold", "syslog", "logrotate"],
            ["all-volumes", "udev", "system-cron"],
            ["network"],
            ["ntp"],
            ["cloud-init-execute"],
            ["console"],
            ["docker"],
            ["rancher-server"],
        ], graph.Waves());
        // implicit: a user-scope service waits for docker, syslog logging waits for syslog; before: is reversed
        Assert.Equal(["docker", "syslog"], graph.DependenciesOf("rancher-server"));
        Assert.Equal(["logrotate"], graph.DependenciesOf("system-cron"));
        Assert.Equal(["cloud-init-execute"], graph.DependenciesOf("console").Where(d => d != "all-volumes"));
    }

    [Fact]
    public void Links_depends_on_container_modes_and_missing_images_are_edges()
    {
        var services = Definitions.Parse("""
            network: {image: a, labels: {io.rancher.os.scope: system}}
            db: {image: a, container_name: the-db, labels: {io.rancher.os.scope: system}}
            web: {image: a, links: ["db:database"], net: "container:the-db", labels: {io.rancher.os.scope: system}}
            worker: {image: a, depends_on: [web], pid: "service:db", ipc: "container:elsewhere", labels: {io.rancher.os.scope: system}}
            """);
        var graph = DependencyGraph.Build(services, new HashSet<string> { "worker" });
        Assert.Equal(["db"], graph.DependenciesOf("web"));
        Assert.Equal(["db", "network", "web"], graph.DependenciesOf("worker"));
        Assert.Equal(["db", "network", "web", "worker"], graph.WithDependencies(["worker"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_cycle_is_an_error_that_names_its_members()
    {
        var services = Definitions.Parse("""
            a: {image: x, labels: {io.rancher.os.after: c, io.rancher.os.scope: system}}
            b: {image: x, labels: {io.rancher.os.after: a, io.rancher.os.scope: system}}
            c: {image: x, depends_on: [b], labels: {io.rancher.os.scope: system}}
            d: {image: x, labels: {io.rancher.os.scope: system}}
            """);
        var error = Assert.Throws<ServiceException>(() => DependencyGraph.Build(services));
        Assert.Equal("dependency cycle: a -> c -> b -> a", error.Message);

        var before = Definitions.Parse("""
            a: {image: x, labels: {io.rancher.os.before: b, io.rancher.os.after: b, io.rancher.os.scope: system}}
            b: {image: x, labels: {io.rancher.os.scope: system}}
            """);
        Assert.Equal("dependency cycle: a -> b -> a", Assert.Throws<ServiceException>(() => DependencyGraph.Build(before)).Message);
    }
}
