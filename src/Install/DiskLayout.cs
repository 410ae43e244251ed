namespace CorralOS.Install;

/// <summary>Where things went on the target disk: the partitions the later steps format and write to.</summary>
/// <param name="State">The RANCHER_STATE partition (the state of every boot).</param>
/// <param name="Boot">Where /boot lives: RANCHER_BOOT when the disk has one (noformat), else the state partition.</param>
/// <param name="Esp">The EFI System Partition, or null when the layout has none (msdos, noformat).</param>
/// <param name="BiosBoot">True when GRUB's BIOS core image is to be written (generic, msdos).</param>
public sealed record DiskLayout(string State, string Boot, string? Esp, bool BiosBoot);
