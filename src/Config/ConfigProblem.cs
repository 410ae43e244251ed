namespace CorralOS.Config;

/// <summary>
/// One thing wrong with a config source: where (file, 1-based line and column when known), which dotted key, and
/// why. Printed as <c>file:line:col: key: message</c>, the form compilers use, so editors can jump to it.
/// </summary>
public sealed record ConfigProblem(string File, int? Line, int? Column, string Key, string Message)
{
    /// <summary>
    /// An unknown key: an error for `ros config validate`, `set` and `merge`, but at boot only a warning and the layer
    /// still applies, since RancherOS ignored keys it did not know (cloud-init's packages:, coreos:, ...).
    /// </summary>
    public bool IsUnknownKey { get; init; }

    /// <summary>The file exists but this user may not read it (cloud-config.yml is 0600): its keys are missing.</summary>
    public bool IsUnreadable { get; init; }

    public override string ToString()
    {
        var where = Line is { } line ? $"{File}:{line}:{Column ?? 1}" : File;
        return Key.Length == 0 ? $"{where}: {Message}" : $"{where}: {Key}: {Message}";
    }
}
