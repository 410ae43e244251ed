namespace CorralOS.CloudInit;

/// <summary>
/// Which cloud this machine runs on, from the DMI ids the firmware fills (cheap: a few sysfs reads), so its
/// datasource can be added to the configured list: EC2 (product_uuid starting ec2, or Amazon in the vendor/BIOS
/// strings), Google Compute Engine, DigitalOcean, VMware (also from the CPUID hypervisor vendor, which VMware sets
/// even when the DMI strings were changed).
/// </summary>
public static class PlatformDetection
{
    /// <summary>The platform's datasource name, or null. <paramref name="hypervisorVendor"/> defaults to CPUID's.</summary>
    public static string? Detect(string sysRoot = "/sys", string? hypervisorVendor = null)
    {
        var dmi = Path.Combine(sysRoot, "class/dmi/id");
        if (!Directory.Exists(dmi))
        {
            return null; // no firmware tables (or a test's sysfs without them): nothing to go by, CPUID included
        }
        string Read(string name)
        {
            try
            {
                var path = Path.Combine(dmi, name);
                return File.Exists(path) ? File.ReadAllText(path).Trim() : "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ""; // product_uuid is root-only; a missing id just means "not this cloud"
            }
        }
        var product = Read("product_name");
        var vendor = Read("sys_vendor");
        var bios = Read("bios_vendor");
        var biosVersion = Read("bios_version");
        var uuid = Read("product_uuid");
        if (uuid.StartsWith("ec2", StringComparison.OrdinalIgnoreCase) || vendor.Contains("Amazon", StringComparison.Ordinal)
            || bios.Contains("Amazon", StringComparison.Ordinal) || biosVersion.Contains("amazon", StringComparison.OrdinalIgnoreCase))
        {
            return "ec2";
        }
        if (product.Contains("Google Compute Engine", StringComparison.Ordinal) || vendor == "Google")
        {
            return "gce";
        }
        if (vendor.Contains("DigitalOcean", StringComparison.Ordinal) || product.Contains("Droplet", StringComparison.Ordinal))
        {
            return "digitalocean";
        }
        if (product.Contains("VMware", StringComparison.Ordinal) || vendor.Contains("VMware", StringComparison.Ordinal)
            || (hypervisorVendor ?? Linux.Hypervisor.Vendor()) == "VMwareVMware")
        {
            return "vmware";
        }
        return null;
    }

    /// <summary>The configured list with the detected platform's source appended when no listed spec already names it.</summary>
    public static IReadOnlyList<string> AddDetected(IReadOnlyList<string> configured, string? detected) =>
        detected is null || configured.Any(s => s == "*" || s == detected || s.StartsWith(detected + ":", StringComparison.Ordinal))
            ? configured
            : [.. configured, detected];
}
