using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using CorralOS.Engine.Tests;
using CorralOS.Init.Boot;
using CorralOS.Install;

namespace CorralOS.SystemDockerClient.Tests;

/// <summary>
/// `ros os upgrade -i ARCHIVE -f --no-reboot` against a real engine: the OS image (os-base's layer, then ros and a
/// version directory as build/os-image.sh lays it out) is loaded, and its own ros writes the new version beside an
/// installed one on a boot root bound into the installer container (CORRALOS_BOOT_ROOT standing for /state).
/// </summary>
public sealed class OsUpgradeContainerTests(ClientEngine client) : IClassFixture<ClientEngine>, IDisposable
{
    private const string NewVersion = "9.9.9-upgrade-test";
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-os-upgrade-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_new_image_writes_its_version_beside_the_installed_one_and_grubenv_tries_it_once()
    {
        var state = InstallOldVersion();

        var archive = Path.Combine(_dir, "os.tar");
        File.WriteAllBytes(archive, TestImage.Tar(OsImage().DockerSaveFiles()));
        var result = await client.RunAsync(ClientEngine.Ros, ["os", "upgrade", "-i", archive, "-f", "--no-reboot"], null,
            new Dictionary<string, string> { ["CORRALOS_BOOT_ROOT"] = state });
        Assert.True(result.Exit == 0, result.Output + result.Error);

        var boot = Path.Combine(state, "boot");
        Assert.Equal("new kernel", File.ReadAllText(Path.Combine(boot, $"vmlinuz-{NewVersion}")));
        Assert.Equal("old kernel", File.ReadAllText(Path.Combine(boot, "vmlinuz-1.0")));
        Assert.Equal(new BootChoice("1.0", null, NewVersion, 1, null), BootChoice.From(GrubEnvironment.Read(Path.Combine(boot, "grub", "grubenv"))));
        var menu = File.ReadAllText(Path.Combine(boot, "grub", "grub.cfg"));
        Assert.Contains($"  linux /boot/vmlinuz-{NewVersion} console=tty0 console=ttyS0,115200n8 rancher.state.dev=LABEL=RANCHER_STATE rancher.state.wait panic=10 console=ttyS1\n", menu, StringComparison.Ordinal);
        Assert.Contains("  initrd /boot/initrd-1.0\n", menu, StringComparison.Ordinal);
        Assert.Contains($"upgrade: loaded corralos/os:{NewVersion}\n", result.Output, StringComparison.Ordinal);
        Assert.Contains($"upgrade: writing /boot/initrd-{NewVersion} (0.0 MiB)\n", result.Output, StringComparison.Ordinal);
        Assert.Contains($"upgrade: CorralOS {NewVersion} boots once at the next boot; it becomes the default when it reaches started, else 1.0 boots again\n", result.Output, StringComparison.Ordinal);

        // Rolling back before the reboot calls the try off.
        var rollback = await client.RunAsync(ClientEngine.Ros, ["os", "rollback"], null, new Dictionary<string, string> { ["CORRALOS_BOOT_ROOT"] = state });
        Assert.Equal($"os: CorralOS {NewVersion} will not be tried; 1.0 stays the default\n", rollback.Output);
    }

    [Fact]
    public async Task Upgrade_console_with_a_persistent_console_it_cannot_stage_fails_in_one_line_before_writing_anything()
    {
        var state = InstallOldVersion();
        string[] Listing() => [.. Directory.GetFiles(state, "*", SearchOption.AllDirectories).Select(f => $"{f} {File.ReadAllText(f).GetHashCode(StringComparison.Ordinal)}").Order(StringComparer.Ordinal)];
        var before = Listing();
        // The config root: the shipped catalog and rancher.console: debian, with no console image staged.
        var root = Path.Combine(_dir, "root");
        var catalog = Path.Combine(Testing.RepoPaths.Root, "images", "services");
        foreach (var file in Directory.GetFiles(catalog, "*.yml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, "usr/share/ros/services", Path.GetRelativePath(catalog, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Directory.CreateDirectory(Path.Combine(root, "var/lib/rancher/conf"));
        File.WriteAllText(Path.Combine(root, "usr/share/ros/os-config.yml"), "rancher:\n  environment:\n    VERSION: \"1.0\"\n  services: {}\n");
        File.WriteAllText(Path.Combine(root, "var/lib/rancher/conf/cloud-config.yml"), "rancher:\n  console: debian\n");

        var archive = Path.Combine(_dir, "os.tar");
        File.WriteAllBytes(archive, TestImage.Tar(OsImage().DockerSaveFiles()));
        var result = await client.RunAsync(ClientEngine.Ros, ["os", "upgrade", "-i", archive, "--upgrade-console", "-f", "--no-reboot"], null,
            new Dictionary<string, string> { ["CORRALOS_BOOT_ROOT"] = state, ["CORRALOS_CONFIG_ROOT"] = root });

        // An OS image archive names no registry, and no boot medium holds B's console: one line, nothing written.
        Assert.True(result.Exit == 1, result.Output + result.Error);
        Assert.StartsWith($"ros: --upgrade-console: corralos/os-console-debian:{NewVersion} is not staged, an OS image archive names no registry to pull it from, and ",
            result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains($"upgrade: loaded corralos/os:{NewVersion}\n", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("upgrade: writing", result.Output, StringComparison.Ordinal);
        Assert.Equal(before, Listing());
        Assert.False(File.Exists(Path.Combine(root, "var/lib/rancher/console-upgrade")));
        Assert.False(Directory.Exists(Path.Combine(root, "var/lib/rancher/images")) && Directory.GetFiles(Path.Combine(root, "var/lib/rancher/images")).Length > 0);
    }

    /// <summary>A state filesystem with version 1.0 installed (its /boot).</summary>
    private string InstallOldVersion()
    {
        var state = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        var installed = Directory.CreateDirectory(Path.Combine(_dir, "installed")).FullName;
        File.WriteAllText(Path.Combine(installed, "files.list"), "vmlinuz\ninitrd\n");
        File.WriteAllText(Path.Combine(installed, "version"), "1.0\n");
        File.WriteAllText(Path.Combine(installed, "vmlinuz"), "old kernel");
        File.WriteAllText(Path.Combine(installed, "initrd"), "old initrd");
        File.Copy(Path.Combine(Testing.RepoPaths.Root, "images", "os", "grub.cfg"), Path.Combine(installed, "grub.cfg"));
        BootFiles.Write(state, OsVersionFiles.Read(installed), "console=ttyS1", new Progress(TextWriter.Null));
        return state;
    }

    // The container runs the published NativeAOT ros of dist/ (or $CORRALOS_DIST), as the real OS image holds: the ros
    // built beside these tests needs the .NET runtime, which os-base has not.
    private static string ContainerRos => Testing.RepoPaths.RequireFile(Testing.RepoPaths.Ros);

    /// <summary>corralos/os:NEW: os-base's layer (libc for ros) and one with /usr/bin/ros and /usr/share/ros/os.</summary>
    private static TestImage OsImage()
    {
        var image = new TestImage().Tag($"corralos/os:{NewVersion}");
        image.Layers.Add(BaseLayer());
        var layer = new LayerBuilder().Dir("usr").Dir("usr/bin").Dir("usr/share").Dir("usr/share/ros").Dir("usr/share/ros/os")
            .Add(new PaxTarEntry(TarEntryType.RegularFile, "usr/bin/ros") { DataStream = new MemoryStream(File.ReadAllBytes(ContainerRos)), Mode = (UnixFileMode)0b111_101_101, ModificationTime = DateTimeOffset.UnixEpoch })
            .File("usr/share/ros/os/files.list", "vmlinuz\ninitrd\n")
            .File("usr/share/ros/os/version", NewVersion + "\n")
            .File("usr/share/ros/os/vmlinuz", "new kernel")
            .File("usr/share/ros/os/initrd", "new initrd")
            .File("usr/share/ros/os/grub.cfg", File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "images", "os", "grub.cfg")));
        return image.Layer(layer);
    }

    /// <summary>The layer of $CORRALOS_DIST/images/os-base.tar (a docker save archive).</summary>
    private static byte[] BaseLayer()
    {
        var path = Testing.RepoPaths.RequireFile(Path.Combine(Testing.RepoPaths.Dist, "images", "os-base.tar"));
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var reader = new TarReader(File.OpenRead(path)))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    using var copy = new MemoryStream();
                    data.CopyTo(copy);
                    files[entry.Name] = copy.ToArray();
                }
            }
        }
        using var manifest = JsonDocument.Parse(Encoding.UTF8.GetString(files["manifest.json"]));
        var layer = manifest.RootElement[0].GetProperty("Layers")[0].GetString()!;
        return files[layer];
    }
}
