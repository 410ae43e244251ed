namespace CorralOS.Init.Storage;

/// <summary>The CorralOS ISO's volume (build/iso.sh), as PID 1 and the installer look for it.</summary>
public static class BootMediumVolume
{
    /// <summary>Its ISO9660 volume label.</summary>
    public const string Label = "CORRALOS";
}
