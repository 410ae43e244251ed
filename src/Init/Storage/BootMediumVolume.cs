namespace CorralOS.Init.Storage;

/// <summary>The CorralOS ISO's volume (build/iso.sh), as PID 1 and the installer look for it.</summary>
public static class BootMediumVolume
{
    /// <summary>Its ISO9660 volume label.</summary>
    public const string Label = "CORRALOS";

    /// <summary>The first device holding the CorralOS ISO (a CD-ROM, or a USB stick it was written to), or null.</summary>
    public static string? Find(BlockDevices devices) =>
        devices.List().FirstOrDefault(d => FileSystemProbe.Probe(d) is { Type: "iso9660", Label: Label });
}
