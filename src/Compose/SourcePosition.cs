namespace CorralOS.Compose;

/// <summary>A file and, when the YAML came from text, the 1-based line and column.</summary>
public sealed record SourcePosition(string File, int? Line, int? Column)
{
    public override string ToString() => Line is { } line ? $"{File}:{line}:{Column ?? 1}" : File;
}
