namespace CorralOS.Linux;

/// <summary>The hypervisor the CPU reports, read with the CPUID instruction (Linux does not name every one).</summary>
public static class Hypervisor
{
    /// <summary>
    /// CPUID leaf 0x40000000's vendor ("VMwareVMware", "KVMKVMKVM", "TCGTCGTCGTCG" for QEMU's emulated CPU), or null on
    /// bare metal and non-x86.
    /// </summary>
    public static string? Vendor()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            return null;
        }
        // Leaf 1 ECX bit 31: running under a hypervisor; only then is leaf 0x40000000 meaningful.
        if ((System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0).Ecx & (1 << 31)) == 0)
        {
            return null;
        }
        var (_, ebx, ecx, edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(0x40000000, 0);
        Span<byte> name = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(name, ebx);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(name[4..], ecx);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(name[8..], edx);
        return System.Text.Encoding.ASCII.GetString(name).TrimEnd('\0');
    }
}
