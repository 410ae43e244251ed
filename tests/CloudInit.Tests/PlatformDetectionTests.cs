namespace CorralOS.CloudInit.Tests;

/// <summary>The cloud from DMI ids (sysfs under a temp root), and how it extends the datasource list.</summary>
public sealed class PlatformDetectionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string? Detect(params (string File, string Text)[] ids)
    {
        foreach (var (file, text) in ids)
        {
            _dir.Write($"sys/class/dmi/id/{file}", text + "\n");
        }
        return PlatformDetection.Detect(Path.Combine(_dir.Path, "sys"), hypervisorVendor: "KVMKVMKVM");
    }

    [Fact]
    public void Ec2_from_the_product_uuid() => Assert.Equal("ec2", Detect(("product_uuid", "EC2E1916-9099-7CAF-FD21-012345ABCDEF"), ("product_name", "HVM domU")));

    [Fact]
    public void Ec2_nitro_from_the_vendor() => Assert.Equal("ec2", Detect(("sys_vendor", "Amazon EC2"), ("product_name", "m5.large")));

    [Fact]
    public void Gce() => Assert.Equal("gce", Detect(("product_name", "Google Compute Engine"), ("sys_vendor", "Google"), ("bios_vendor", "Google")));

    [Fact]
    public void DigitalOcean() => Assert.Equal("digitalocean", Detect(("sys_vendor", "DigitalOcean"), ("product_name", "Droplet")));

    [Fact]
    public void Vmware() => Assert.Equal("vmware", Detect(("product_name", "VMware Virtual Platform"), ("sys_vendor", "VMware, Inc.")));

    [Fact]
    public void Qemu_is_none_of_them() => Assert.Null(Detect(("product_name", "Standard PC (Q35 + ICH9, 2009)"), ("sys_vendor", "QEMU"), ("bios_vendor", "SeaBIOS")));

    [Fact]
    public void No_dmi_at_all_is_none() => Assert.Null(PlatformDetection.Detect(Path.Combine(_dir.Path, "nothing"), hypervisorVendor: "VMwareVMware"));

    [Fact]
    public void Vmware_from_cpuid_when_dmi_says_nothing()
    {
        _dir.Write("sys/class/dmi/id/product_name", "Custom Appliance\n");
        Assert.Equal("vmware", PlatformDetection.Detect(Path.Combine(_dir.Path, "sys"), hypervisorVendor: "VMwareVMware"));
    }

    [Fact]
    public void Cpuid_names_this_machine_s_hypervisor_as_proc_cpuinfo_does()
    {
        // /proc/cpuinfo lists the "hypervisor" flag exactly when CPUID leaf 1 ECX bit 31 is set.
        var underHypervisor = File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Split(' ').Contains("hypervisor"));
        var vendor = Linux.Hypervisor.Vendor();
        Assert.Equal(underHypervisor, vendor is not null);
        if (vendor is not null)
        {
            Assert.Matches("^[\\x20-\\x7e]{1,12}$", vendor);
        }
    }

    [Fact]
    public void The_detected_source_is_appended_once()
    {
        Assert.Equal(["configdrive", "ec2"], PlatformDetection.AddDetected(["configdrive"], "ec2"));
        Assert.Equal(["ec2:http://127.0.0.1:1/"], PlatformDetection.AddDetected(["ec2:http://127.0.0.1:1/"], "ec2"));
        Assert.Equal(["*"], PlatformDetection.AddDetected(["*"], "gce"));
        Assert.Equal(["configdrive"], PlatformDetection.AddDetected(["configdrive"], null));
    }
}
