using CorralOS.Config;

namespace CorralOS.Services.Tests;

/// <summary>
/// A persistent console across OS versions (docs/upgrade.md, "Persistent consoles"): which image it runs when its
/// version's image is not staged, where `ros os upgrade --upgrade-console` pulls the new one from, which of the shipped
/// Debian console's volumes an upgrade replaces, and the upgrade's mark for the new version's first boot.
/// </summary>
public sealed class PersistentConsoleImageTests : IDisposable
{
    private readonly SwitchableTestRoot _files = new("console", "/nonexistent.sock");

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Without_its_versions_image_a_console_keeps_a_staged_image_of_the_same_console()
    {
        // After an upgrade without --upgrade-console: B's catalog asks for :B, A's image is what is staged.
        string[] held = ["corralos/os-base:B", "corralos/os-console:B", "corralos/os-console-debian:A"];
        Assert.Equal("corralos/os-console-debian:A", PersistentConsoleImage.Kept("corralos/os-console-debian:B", held));
        // Its own image staged (or after --upgrade-console): nothing to keep instead.
        Assert.Null(PersistentConsoleImage.Kept("corralos/os-console-debian:B", [.. held, "corralos/os-console-debian:B"]));
        // No image of that console anywhere: nothing to keep (it is pulled, then the default console takes over).
        Assert.Null(PersistentConsoleImage.Kept("corralos/os-console-debian:B", ["corralos/os-console:B", "other/os-console-debian-x:A"]));
        // Several: one, always the same.
        Assert.Equal("corralos/os-console-debian:A2", PersistentConsoleImage.Kept("corralos/os-console-debian:B", ["corralos/os-console-debian:A2", "corralos/os-console-debian:A1"]));
    }

    [Theory]
    [InlineData("169.254.169.100:5000/corralos/os:0.2.0-b", "corralos/os-console-debian:0.2.0-b", "169.254.169.100:5000/corralos/os-console-debian:0.2.0-b")]
    [InlineData("registry.example/a/b/os:2", "corralos/os-console-debian:2", "registry.example/a/b/os-console-debian:2")]
    [InlineData("corralos/os:2", "corralos/os-console-debian:2", "corralos/os-console-debian:2")]
    [InlineData("os:2", "corralos/os-console-debian:2", "os-console-debian:2")]
    public void The_new_console_image_is_pulled_from_the_os_images_registry_and_path(string osImage, string console, string source) =>
        Assert.Equal(source, PersistentConsoleImage.PullSource(osImage, console));

    [Fact]
    public void Versions_are_the_tags_and_a_registry_port_is_not_one()
    {
        Assert.Equal("reg:5000/corralos/os", PersistentConsoleImage.Repository("reg:5000/corralos/os:1.2"));
        Assert.Equal("1.2", PersistentConsoleImage.Tag("reg:5000/corralos/os:1.2"));
        Assert.Equal("reg:5000/corralos/os", PersistentConsoleImage.Repository("reg:5000/corralos/os"));
        Assert.Equal("latest", PersistentConsoleImage.Tag("reg:5000/corralos/os"));
        Assert.Equal("corralos/os-console-debian:B", PersistentConsoleImage.ForVersion("corralos/os-console-debian:A", "B"));
    }

    [Fact]
    public async Task The_shipped_debian_console_is_persistent_and_an_upgrade_replaces_its_usr_and_var_volumes_only()
    {
        _files.Write("usr/share/ros/os-config.yml", """
            rancher:
              environment:
                VERSION: "t1"
              services:
                console:
                  image: corralos/os-console:t1
                  labels:
                    io.rancher.os.scope: system
                    io.docker.compose.rebuild: always
                    io.rancher.os.console: default
              services_include: {}
            """);
        using var http = new HttpClient();
        var config = _files.Config();
        var project = await ProjectLoader.LoadAsync(config, new ServiceCatalog(new ConfigPaths(_files.Path), config, http), TestContext.Current.CancellationToken);
        Assert.False(PersistentConsoleImage.IsPersistent(Assert.Single(project.Services, s => s.Name == "console")));

        _files.Write("var/lib/rancher/conf/cloud-config.yml", "rancher:\n  console: debian\n");
        config = _files.Config();
        project = await ProjectLoader.LoadAsync(config, new ServiceCatalog(new ConfigPaths(_files.Path), config, http), TestContext.Current.CancellationToken);
        var debian = Assert.Single(project.Services, s => s.Name == "console");
        Assert.True(PersistentConsoleImage.IsPersistent(debian));
        // /etc (its configuration) and /root are kept; /usr and the package database in /var go together.
        Assert.Equal(["console-debian-usr", "console-debian-var"], PersistentConsoleImage.ReplacedVolumes(debian));
    }

    [Fact]
    public void The_upgrade_mark_names_the_console_image_for_the_new_versions_first_boot()
    {
        Assert.Null(PersistentConsoleImage.ReadUpgradeMarker(_files.Path));
        PersistentConsoleImage.WriteUpgradeMarker(_files.Path, "corralos/os-console-debian:B");
        Assert.Equal("corralos/os-console-debian:B\n", File.ReadAllText(Path.Combine(_files.Path, "var/lib/rancher/console-upgrade")));
        Assert.Equal("corralos/os-console-debian:B", PersistentConsoleImage.ReadUpgradeMarker(_files.Path));
        PersistentConsoleImage.RemoveUpgradeMarker(_files.Path);
        PersistentConsoleImage.RemoveUpgradeMarker(_files.Path);
        Assert.Null(PersistentConsoleImage.ReadUpgradeMarker(_files.Path));
    }
}
