using System.Globalization;

namespace CorralOS.Engine.Host;

/// <summary>What the host lets crun do, checked once at engine start.</summary>
public static class RuntimeCapabilities
{
    private const int CAP_SYS_RESOURCE = 24;

    /// <summary>
    /// Whether crun can load cgroup v2 device rules (eBPF): crun 1.8 first raises RLIMIT_MEMLOCK to infinity, which
    /// works with CAP_SYS_RESOURCE or an already unlimited hard limit. In the OS (PID 1, every capability) it can.
    /// </summary>
    public static bool CanLoadDeviceRules(string procSelf = "/proc/self") =>
        HasCapability(Path.Combine(procSelf, "status"), CAP_SYS_RESOURCE) || MemlockUnlimited(Path.Combine(procSelf, "limits"));

    /// <summary>crun 1.8 runs containers only on a unified (cgroup v2) /sys/fs/cgroup.</summary>
    public static bool UnifiedCgroups => HostFacts.CgroupVersion == "2";

    /// <summary>Whether "/" is the initramfs itself (fs type rootfs), where pivot_root(2) cannot be used.</summary>
    public static bool RootIsInitramfs(string mountInfo = "/proc/self/mountinfo")
    {
        // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER; the last "/" wins.
        string? rootType = null;
        foreach (var line in File.ReadLines(mountInfo))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && fields[4] == "/" && separator > 0 && separator + 1 < fields.Length)
            {
                rootType = fields[separator + 1];
            }
        }
        return rootType == "rootfs";
    }

    /// <summary>
    /// Whether the CPU is emulated by QEMU's TCG, which signs CPUID's hypervisor leaf "TCGTCGTCGTCG" (KVM signs it
    /// "KVMKVMKVM"). Linux does not know that signature (it reports bare hardware), and under TCG the CPU has the
    /// hypervisor flag too, so only the signature tells.
    /// </summary>
    public static bool CpuIsEmulated => IsEmulatorSignature(Linux.Hypervisor.Vendor());

    /// <summary>The signature QEMU's TCG puts in CPUID leaf 0x40000000.</summary>
    public static bool IsEmulatorSignature(string? signature) => signature == "TCGTCGTCGTCG";

    /// <summary>The engine's capability bounding set: a container can get no capability outside it.</summary>
    public static ulong BoundingSet(string procSelf = "/proc/self") => CapabilitySet(Path.Combine(procSelf, "status"), "CapBnd:");

    internal static bool HasCapability(string statusFile, int capability) => (CapabilitySet(statusFile, "CapEff:") & (1UL << capability)) != 0;

    private static ulong CapabilitySet(string statusFile, string field)
    {
        var line = File.ReadLines(statusFile).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is not null && ulong.TryParse(line[field.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps) ? caps : 0;
    }

    internal static bool MemlockUnlimited(string limitsFile)
    {
        var line = File.ReadLines(limitsFile).FirstOrDefault(l => l.StartsWith("Max locked memory", StringComparison.Ordinal));
        var fields = line?["Max locked memory".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 2 } && fields[1] == "unlimited";
    }
}
