namespace CorralOS.CloudInit;

/// <summary>
/// User data sorted into what CorralOS keeps: a cloud-config (text for cloud-config.d/boot.yml), a script (for
/// cloud-config-script), and what was reported and left out (unknown forms, bad YAML, extra scripts).
/// </summary>
public sealed record UserData(string? CloudConfig, byte[]? Script, IReadOnlyList<string> Problems)
{
    public static UserData None { get; } = new(null, null, []);
}
