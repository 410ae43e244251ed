using CorralOS.Init.Phases;
using CorralOS.Linux;

namespace CorralOS.Init.Tests;

/// <summary>The RAM root gets room for half the RAM besides the initrd's own files (a real tmpfs, as root).</summary>
public sealed class RamRootSizeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-ramroot-").FullName;

    public void Dispose()
    {
        if (Mounts.IsMountPoint(_dir))
        {
            Mounts.Unmount(_dir);
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_size_is_what_is_used_plus_half_the_ram() =>
        Assert.Equal(100L + 512, RamRootSize.For(100, 1024));

    [Fact]
    public void A_tmpfs_filled_by_its_first_files_gets_room_for_half_the_ram_again()
    {
        Mounts.Mount("tmpfs", _dir, "tmpfs", MountFlags.None, "size=1024k");
        File.WriteAllBytes(Path.Combine(_dir, "initrd-files"), new byte[900 * 1024]);
        var meminfo = Path.Combine(Path.GetTempPath(), $"corralos-meminfo-{Guid.NewGuid():N}");
        File.WriteAllText(meminfo, "MemTotal:        4096 kB\nMemFree:         1024 kB\n");
        try
        {
            // Before: no room for 900 KB more.
            Assert.Throws<IOException>(() => File.WriteAllBytes(Path.Combine(_dir, "too-much"), new byte[900 * 1024]));
            File.Delete(Path.Combine(_dir, "too-much"));

            var said = RamRootSize.Apply(_dir, meminfo);

            Assert.StartsWith("RAM root 0 MiB used of 2 MiB", said, StringComparison.Ordinal);
            var total = new DriveInfo(_dir).TotalSize;
            Assert.InRange(total, 900 * 1024 + 2048 * 1024 - 64 * 1024, 900 * 1024 + 2048 * 1024 + 64 * 1024);
            File.WriteAllBytes(Path.Combine(_dir, "now-fits"), new byte[900 * 1024]);
        }
        finally
        {
            File.Delete(meminfo);
        }
    }

    [Fact]
    public void A_filesystem_that_is_not_in_ram_is_left_alone() => Assert.Null(RamRootSize.Apply("/proc"));
}
