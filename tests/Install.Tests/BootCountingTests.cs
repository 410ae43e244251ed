using CorralOS.Init.Boot;

namespace CorralOS.Install.Tests;

/// <summary>
/// Boot counting without a VM: grubenv as GRUB's own grub-editenv reads and writes it, the menu template checked by
/// grub-script-check, and the upgrade, mark-good and rollback steps on a real /boot directory.
/// </summary>
public sealed class BootCountingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-boot-counting-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Grubenv_written_here_is_what_grub_editenv_lists_and_the_reverse()
    {
        var ours = Path.Combine(_dir, "ours");
        GrubEnvironment.Write(ours, [new("corralos_default", "1.0"), new("odd", "a\\b")]);
        Assert.Equal(GrubEnvironment.Size, new FileInfo(ours).Length);
        Assert.Equal("corralos_default=1.0\nodd=a\\b\n", Tool.Run("grub-editenv", [ours, "list"]));

        var theirs = Path.Combine(_dir, "theirs");
        Tool.Run("grub-editenv", [theirs, "create"]);
        Tool.Run("grub-editenv", [theirs, "set", "corralos_try=2.0", "corralos_tries=1", "saved_entry=x"]);
        var read = GrubEnvironment.Read(theirs);
        Assert.Equal([new("corralos_try", "2.0"), new("corralos_tries", "1"), new("saved_entry", "x")], read);
        var again = Path.Combine(_dir, "again");
        GrubEnvironment.Write(again, read);
        Assert.Equal(Tool.Run("grub-editenv", [theirs, "list"]), Tool.Run("grub-editenv", [again, "list"]));
    }

    [Fact]
    public void The_menu_template_has_an_entry_per_version_with_ids_and_passes_grub_script_check()
    {
        var template = File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "images", "os", "grub.cfg"));
        var menu = BootFiles.Menu(template, ["1.0", "2.0"], " quiet ");
        Assert.Contains("menuentry \"CorralOS 1.0\" --id \"corralos-1.0\" {\n  linux /boot/vmlinuz-1.0 ", menu, StringComparison.Ordinal);
        Assert.Contains("menuentry \"CorralOS 2.0\" --id \"corralos-2.0\" {\n  linux /boot/vmlinuz-2.0 ", menu, StringComparison.Ordinal);
        Assert.Contains("  initrd /boot/initrd-2.0\n", menu, StringComparison.Ordinal);
        Assert.Contains("panic=10 quiet\n", menu, StringComparison.Ordinal);
        Assert.True(menu.IndexOf("corralos-1.0", StringComparison.Ordinal) < menu.IndexOf("corralos-2.0", StringComparison.Ordinal));
        Assert.Contains("load_env corralos_default corralos_try corralos_tries\n", menu, StringComparison.Ordinal);
        Assert.Contains("if save_env corralos_tries; then", menu, StringComparison.Ordinal);
        Assert.DoesNotContain("@", menu, StringComparison.Ordinal);
        Assert.DoesNotContain(BootFiles.EntryStart, menu, StringComparison.Ordinal);
        var file = Path.Combine(_dir, "grub.cfg");
        File.WriteAllText(file, menu);
        Tool.Run("grub-script-check", [file]);
    }

    [Fact]
    public void Choices_go_from_install_to_a_try_to_good_to_rollback()
    {
        var installed = BootChoice.Installed("1.0");
        var upgraded = installed.Upgrade("2.0");
        Assert.Equal(new BootChoice("1.0", null, "2.0", 1, null), upgraded);
        Assert.Equal(["1.0", "2.0"], upgraded.Versions);
        Assert.Null(upgraded.MarkGood("1.0"));
        var good = upgraded.MarkGood("2.0");
        Assert.Equal(new BootChoice("2.0", "1.0", null, 0, null), good);
        Assert.Equal(new BootChoice("1.0", "2.0", null, 0, null), good!.Rollback());
        Assert.Equal(new BootChoice("1.0", null, null, 0, null), upgraded.Rollback());
        Assert.Null(installed.Rollback());
        // A third version drops the oldest: two kept.
        Assert.Equal(["2.0", "3.0"], good.Upgrade("3.0").Versions);

        // What GRUB leaves after abandoning a try reads back as no try.
        var abandoned = BootChoice.From([new("corralos_default", "1.0"), new("corralos_try", ""), new("corralos_tries", ""), new("corralos_abandoned", "2.0")]);
        Assert.Equal(new BootChoice("1.0", null, null, 0, "2.0"), abandoned);
        Assert.Null(BootChoice.From([new("saved_entry", "x")]));
    }

    [Fact]
    public void An_upgrade_writes_the_new_pair_beside_the_old_tries_it_once_keeps_two_and_rolls_back()
    {
        var target = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        var boot = Path.Combine(target, "boot");
        BootFiles.Write(target, Version("1.0"), "console=ttyS1", new Progress(TextWriter.Null));
        Assert.Equal("corralos_default=1.0\ncorralos_previous=\ncorralos_try=\ncorralos_tries=\ncorralos_abandoned=\n", Tool.Run("grub-editenv", [Grubenv(target), "list"]));

        var lines = new StringWriter();
        BootUpgrade.Run(target, Version("2.0"), "1.0", kernelAppend: null, new Progress(lines, "upgrade"));
        Assert.Equal(["append", "grub", "initrd-1.0", "initrd-2.0", "vmlinuz-1.0", "vmlinuz-2.0"], Listing(boot));
        Assert.Equal("kernel 2.0", File.ReadAllText(Path.Combine(boot, "vmlinuz-2.0")));
        Assert.Contains("corralos_default=1.0\n", Tool.Run("grub-editenv", [Grubenv(target), "list"]), StringComparison.Ordinal);
        Assert.Contains("corralos_try=2.0\ncorralos_tries=1\n", Tool.Run("grub-editenv", [Grubenv(target), "list"]), StringComparison.Ordinal);
        var menu = File.ReadAllText(Path.Combine(boot, "grub", "grub.cfg"));
        Assert.EndsWith("(docs/upgrade.md).\nmenu 1.0 console=ttyS1\nmenu 2.0 console=ttyS1\n#@ tail\n", menu, StringComparison.Ordinal);
        Assert.DoesNotContain("about the template", menu, StringComparison.Ordinal);
        Assert.Contains("upgrade: CorralOS 2.0 boots once at the next boot; it becomes the default when it reaches started, else 1.0 boots again\n", lines.ToString(), StringComparison.Ordinal);

        // PID 1 of 1.0 (the try was abandoned) changes nothing; PID 1 of 2.0 whose health checks failed (a service did
        // not come up) changes nothing either, and says so; PID 1 of 2.0 with all checks passed makes it the default.
        Assert.Null(BootMarker.MarkGood(Grubenv(target), "1.0"));
        Assert.Null(BootMarker.MarkGood(Grubenv(target), "1.0", ["service console: exited with status 1"]));
        Assert.Equal("CorralOS 2.0 not marked good: its health checks failed (service console: exited with status 1); rebooting, 1.0 boots",
            BootMarker.MarkGood(Grubenv(target), "2.0", ["service console: exited with status 1"]));
        Assert.Equal(new BootChoice("1.0", null, "2.0", 1, null), BootChoice.From(GrubEnvironment.Read(Grubenv(target))));
        Assert.Equal("CorralOS 2.0 marked good: it boots by default from now on (1.0 is the rollback)", BootMarker.MarkGood(Grubenv(target), "2.0"));
        Assert.Null(BootMarker.MarkGood(Grubenv(target), "2.0"));
        Assert.Equal(new BootChoice("2.0", "1.0", null, 0, null), BootChoice.From(GrubEnvironment.Read(Grubenv(target))));

        // A third version: 1.0's files go, the new append is kept for later upgrades.
        lines = new StringWriter();
        BootUpgrade.Run(target, Version("3.0"), "2.0", kernelAppend: "quiet", new Progress(lines, "upgrade"));
        Assert.Equal(["append", "grub", "initrd-2.0", "initrd-3.0", "vmlinuz-2.0", "vmlinuz-3.0"], Listing(boot));
        Assert.Contains("upgrade: deleted /boot/initrd-1.0\nupgrade: deleted /boot/vmlinuz-1.0\n", lines.ToString(), StringComparison.Ordinal);
        Assert.Equal("menu 2.0 quiet\nmenu 3.0 quiet\n", File.ReadAllText(Path.Combine(boot, "grub", "grub.cfg")).Split(".md).\n")[1].Split("#@")[0]);
        Assert.Equal("quiet\n", File.ReadAllText(Path.Combine(boot, "append")));

        // Rollback before booting 3.0 calls the try off; after 3.0 is good it returns to 2.0, and back again.
        Assert.Equal("CorralOS 3.0 will not be tried; 2.0 stays the default", BootRollback.Run(target));
        Assert.Equal(new BootChoice("2.0", null, null, 0, null), BootChoice.From(GrubEnvironment.Read(Grubenv(target))));
        Assert.Equal("there is no previous version to roll back to (CorralOS 2.0 is the only one kept)", Assert.Throws<InstallException>(() => BootRollback.Run(target)).Message);
        GrubEnvironment.Write(Grubenv(target), new BootChoice("3.0", "2.0", null, 0, null).ApplyTo([]));
        Assert.Equal("CorralOS 2.0 boots by default from the next boot (3.0 is kept as the previous version)", BootRollback.Run(target));
        Assert.Equal("CorralOS 3.0 boots by default from the next boot (2.0 is kept as the previous version)", BootRollback.Run(target));
    }

    [Fact]
    public void Only_the_version_GRUB_is_trying_has_a_try_to_prove_and_its_timeout_defaults_to_ten_minutes()
    {
        var grubenv = Path.Combine(_dir, "grubenv");
        Assert.Null(TriedVersion.Find(grubenv, "2.0"));
        GrubEnvironment.Write(grubenv, new BootChoice("1.0", null, "2.0", 0, null).ApplyTo([]));
        Assert.Equal(new TriedVersion("2.0", "1.0"), TriedVersion.Find(grubenv, "2.0"));
        Assert.Null(TriedVersion.Find(grubenv, "1.0"));
        GrubEnvironment.Write(grubenv, new BootChoice("2.0", "1.0", null, 0, null).ApplyTo([]));
        Assert.Null(TriedVersion.Find(grubenv, "2.0"));

        Assert.Equal(TimeSpan.FromSeconds(90), TriedVersion.Timeout("90"));
        Assert.Equal(TimeSpan.FromMinutes(10), TriedVersion.Timeout(null));
        Assert.Equal(TimeSpan.FromMinutes(10), TriedVersion.Timeout("0"));
        Assert.Equal(TimeSpan.FromMinutes(10), TriedVersion.Timeout("-5"));
        Assert.Equal(TimeSpan.FromMinutes(10), TriedVersion.Timeout("soon"));
    }

    [Fact]
    public void An_upgrade_refuses_a_filesystem_without_an_installed_menu()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        Assert.Contains("grub.cfg is missing: CorralOS is not installed there", Assert.Throws<InstallException>(() => BootUpgrade.Run(empty, Version("2.0"), "1.0", null, new Progress(TextWriter.Null))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_release_index_is_one_image_a_line_and_reads_RancherOS_releases_yml()
    {
        var index = Path.Combine(_dir, "releases.txt");
        await File.WriteAllTextAsync(index, "r/corralos/os:1.0\nr/corralos/os:2.0\n", TestContext.Current.CancellationToken);
        Assert.Equal(["r/corralos/os:1.0", "r/corralos/os:2.0"], await OsReleaseIndex.LoadAsync(index, TestContext.Current.CancellationToken));
        Assert.Equal("rancher.upgrade.url is not set: no release index (ros config set rancher.upgrade.url URL|PATH)",
            (await Assert.ThrowsAsync<InstallException>(() => OsReleaseIndex.LoadAsync("", TestContext.Current.CancellationToken))).Message);
        Assert.Contains("    url: \"\"\n", await File.ReadAllTextAsync(Path.Combine(Testing.RepoPaths.Root, "images", "initrd", "os-config.yml"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(["r:5000/corralos/os:1.0", "r:5000/corralos/os:2.0"], OsReleaseIndex.Parse("# index\nr:5000/corralos/os:1.0\n\nr:5000/corralos/os:2.0 # newest\n"));
        Assert.Equal(["rancher/os:v1.5.7", "rancher/os:v1.5.8"], OsReleaseIndex.Parse("available:\n  - rancher/os:v1.5.7\n  - rancher/os:v1.5.8\n"));
        Assert.Equal("2.0", OsReleaseIndex.Tag("r:5000/corralos/os:2.0"));
        Assert.Null(OsReleaseIndex.Tag("r:5000/corralos/os"));
    }

    private string Grubenv(string target) => Path.Combine(target, "boot", "grub", "grubenv");

    private static List<string> Listing(string boot) => [.. Directory.EnumerateFileSystemEntries(boot).Select(Path.GetFileName).Order(StringComparer.Ordinal).OfType<string>()];

    /// <summary>An OS image's /usr/share/ros/os with a one-line menu template (its entry block per version).</summary>
    private OsVersionFiles Version(string version) =>
        OsVersionFixture.Create(_dir, version, "# about the template\n#@entry\nmenu @VERSION@ @APPEND@\n#@end\n#@ tail\n");
}
