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

    /// <summary>rancher.* and cc.* keys of the kernel cmdline and init's arguments, as a config tree.</summary>
    public Dictionary<string, object?> Cmdline { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The mounted state device, or null when the system runs from RAM.</summary>
    public string? StateDevice { get; set; }
}
