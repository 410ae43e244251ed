namespace CorralOS.Install;

/// <summary>How `ros install -t` lays out the disk.</summary>
public enum InstallType
{
    /// <summary>GPT: a BIOS boot partition, an EFI System Partition and RANCHER_STATE; boots with BIOS and UEFI.</summary>
    Generic,

    /// <summary>MBR with one bootable RANCHER_STATE partition; boots with BIOS.</summary>
    Msdos,

    /// <summary>Existing RANCHER_STATE (and RANCHER_BOOT) partitions; nothing is partitioned or formatted.</summary>
    NoFormat,
}

/// <summary>The names `-t` takes.</summary>
public static class InstallTypes
{
    public static IReadOnlyList<string> Names { get; } = ["generic", "msdos", "noformat"];

    public static InstallType Parse(string name) => name switch
    {
        "generic" => InstallType.Generic,
        "msdos" => InstallType.Msdos,
        "noformat" => InstallType.NoFormat,
        _ => throw new InstallException($"unknown install type '{name}' (one of {string.Join(", ", Names)})"),
    };

    public static string Name(this InstallType type) => Names[(int)type];
}
