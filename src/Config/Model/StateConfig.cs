namespace CorralOS.Config.Model;

/// <summary><c>rancher.state</c>: where persistent state lives and how to find or make it.</summary>
public sealed class StateConfig
{
    public string? Directory { get; set; }

    public string? Fstype { get; set; }

    public string? Dev { get; set; }

    public bool? Wait { get; set; }

    public bool? Required { get; set; }

    /// <summary>Devices that may be formatted when they are blank.</summary>
    public List<string>? Autoformat { get; set; }

    public bool? MdadmScan { get; set; }

    public bool? LvmScan { get; set; }

    public bool? Cryptsetup { get; set; }

    public string? Script { get; set; }

    public string? OemFstype { get; set; }

    public string? OemDev { get; set; }

    public string? BootFstype { get; set; }

    public string? BootDev { get; set; }

    public bool? Rngd { get; set; }
}
