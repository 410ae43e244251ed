namespace CorralOS.Install;

/// <summary>What `ros install` was asked to do.</summary>
/// <param name="Device">The whole disk to install to (/dev/vda).</param>
/// <param name="Type">The disk layout.</param>
/// <param name="KernelAppend">Extra kernel arguments (-a), kept in /boot/append for later upgrades.</param>
/// <param name="CloudConfig">The cloud-config (-c) to copy into the state's cloud-config.d, or null.</param>
public sealed record InstallRequest(string Device, InstallType Type, string KernelAppend, byte[]? CloudConfig);
