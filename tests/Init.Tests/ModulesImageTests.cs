using System.Diagnostics;
using CorralOS.Init.Modules;
using CorralOS.Linux;

namespace CorralOS.Init.Tests;

/// <summary>The modules erofs of the initrd is mounted over the plain tree before modules load (a real erofs and loop mount, as root).</summary>
public sealed class ModulesImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-modules-image-").FullName;

    public void Dispose()
    {
        var plain = Path.Combine(_dir, "plain");
        if (Mounts.IsMountPoint(plain))
        {
            Mounts.Unmount(plain, detach: true);
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_image_is_mounted_over_the_plain_tree_once_and_its_modules_are_found_there()
    {
        // The full tree, as build/initrd.sh has it before pruning.
        var full = Directory.CreateDirectory(Path.Combine(_dir, "full")).FullName;
        Directory.CreateDirectory(Path.Combine(full, "kernel/drivers/net"));
        File.WriteAllText(Path.Combine(full, "kernel/drivers/net/dummy-net.ko"), "not really a module");
        File.WriteAllText(Path.Combine(full, "modules.dep"), "kernel/drivers/net/dummy-net.ko:\n");
        var image = Path.Combine(_dir, "modules");
        using (var mkfs = Process.Start(new ProcessStartInfo("mkfs.erofs") { ArgumentList = { "--quiet", "-zlz4hc", image, full } })!)
        {
            await mkfs.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfs.ExitCode);
        }
        // The plain tree: the index files only (no loop or erofs module here: the host kernel has them).
        var plain = Directory.CreateDirectory(Path.Combine(_dir, "plain")).FullName;
        File.Copy(Path.Combine(full, "modules.dep"), Path.Combine(plain, "modules.dep"));
        var loader = new ModuleLoader(ModuleIndex.Load(plain), [], (_, _) => throw new InvalidOperationException("nothing is inserted in this test"));

        Assert.Null(ModulesImage.MountIfPresent(loader, plain, Path.Combine(_dir, "absent")));
        Assert.False(File.Exists(Path.Combine(plain, "kernel/drivers/net/dummy-net.ko")));

        Assert.Equal($"modules image mounted on {plain}", ModulesImage.MountIfPresent(loader, plain, image));

        Assert.True(Mounts.IsMountPoint(plain));
        Assert.Equal("not really a module", File.ReadAllText(Path.Combine(plain, "kernel/drivers/net/dummy-net.ko")));
        Assert.Null(ModulesImage.MountIfPresent(loader, plain, image));
    }
}
