namespace CorralOS.Config;

/// <summary>
/// One thing wrong with a config source: where (file, 1-based line and column when known), which dotted key, and
/// why. Printed as <c>file:line:col: key: message</c>, the form compilers use, so editors can jump to it.
/// </summary>
public sealed record ConfigProblem(string File, int? Line, int? Column, string Key, string Message)
{
    public override string ToString()
    {
        var where = Line is { } line ? $"{File}:{line}:{Column ?? 1}" : File;
        return Key.Length == 0 ? $"{where}: {Message}" : $"{where}: {Key}: {Message}";
    }
}
