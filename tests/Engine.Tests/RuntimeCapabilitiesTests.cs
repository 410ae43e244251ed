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
    // QEMU's TCG: a QEMU machine whose CPU reports no hypervisor.
    [InlineData("QEMU", "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm nopl cpuid pni cx16 x2apic hypervisor_x lahf_lm svm", true)]
    // KVM: the same machine, its CPU with the hypervisor flag.
    [InlineData("QEMU", "fpu vme de pse tsc msr pae mce cx8 apic sep hypervisor lahf_lm", false)]
    // Another vendor's machine (real hardware, or VMware without the flag): never taken for emulation.
    [InlineData("Dell Inc.", "fpu vme de pse tsc msr pae mce cx8 apic sep lahf_lm", false)]
    public void The_cpu_counts_as_emulated_only_on_a_qemu_machine_without_a_hypervisor(string vendor, string flags, bool emulated)
    {
        var vendorFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(vendorFile, vendor + "\n");
            File.WriteAllText(_file, $"processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: QEMU Virtual CPU version 2.5+\nflags\t\t: {flags}\n\nprocessor\t: 1\n");
            Assert.Equal(emulated, RuntimeCapabilities.CpuIsEmulated(_file, vendorFile));
        }
        finally
        {
            File.Delete(vendorFile);
        }
    }

    [Fact]
    public void Without_dmi_or_cpuinfo_the_cpu_is_not_taken_for_emulated() =>
        Assert.False(RuntimeCapabilities.CpuIsEmulated(_file + ".missing", _file + ".missing"));
}
