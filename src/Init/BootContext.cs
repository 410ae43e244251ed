namespace CorralOS.Init;

/// <summary>What the boot phases learn and hand on to each other.</summary>
public sealed class BootContext
{
    public BootContext(string version, IReadOnlyList<string> initArguments)
    {
        Version = version;
        InitArguments = initArguments;
    }

    public string Version { get; }

    /// <summary>Parameters the kernel passed to init (those after "--" on the kernel cmdline).</summary>
    public IReadOnlyList<string> InitArguments { get; }

    /// <summary>The merged configuration (all layers, the kernel cmdline, init's arguments) as a tree.</summary>
    public Dictionary<string, object?> Config { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Problems a phase met but booted past; init prints them under the phase's line.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>rancher.recovery: stop after the config phase with a recovery shell.</summary>
    public bool RecoveryRequested { get; set; }

    /// <summary>The mounted state device, or null when the system runs from RAM.</summary>
    public string? StateDevice { get; set; }
}
