using CorralOS.Engine.Host;

namespace CorralOS.Engine.Tests;

/// <summary>What the engine reads off the host before it drives crun.</summary>
public sealed class RuntimeCapabilitiesTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void An_initramfs_root_asks_for_no_pivot()
    {
        // As /proc/self/mountinfo reads in CorralOS's PID 1: the kernel's rootfs, then what init mounted.
        File.WriteAllText(_file, """
            1 1 0:2 / / rw - rootfs rootfs rw,size=493752k,nr_inodes=123438
            21 1 0:20 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
            24 1 0:5 / /dev rw,nosuid - devtmpfs devtmpfs rw,size=493760k,nr_inodes=123440,mode=755
            """);
        Assert.True(RuntimeCapabilities.RootIsInitramfs(_file));
    }

    [Fact]
    public void A_disk_or_tmpfs_root_pivots_and_the_last_root_mount_wins()
    {
        File.WriteAllText(_file, """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            23 22 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw
            """);
        Assert.False(RuntimeCapabilities.RootIsInitramfs(_file));

        File.WriteAllText(_file, """
            1 1 0:2 / / rw - rootfs rootfs rw
            30 1 0:30 / / rw - tmpfs tmpfs rw,mode=755
            """);
        Assert.False(RuntimeCapabilities.RootIsInitramfs(_file));
        Assert.False(RuntimeCapabilities.RootIsInitramfs("/proc/self/mountinfo"));
    }

    [Theory]
    [InlineData("TCGTCGTCGTCG", true)]
    [InlineData("KVMKVMKVM", false)]
    [InlineData("Microsoft Hv", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_qemus_tcg_signature_counts_as_an_emulated_cpu(string? signature, bool emulated) =>
        Assert.Equal(emulated, RuntimeCapabilities.IsEmulatorSignature(signature));
}
