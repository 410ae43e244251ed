using CorralOS.Engine.Images;

namespace CorralOS.Engine.Registry;

/// <summary>
/// One line of a pull's or push's progress, in Docker's terms: a status ("Downloading", "Pull complete",
/// "Digest: ..."), the short ID it is about, byte counts for the progress bar, and push's aux result.
/// </summary>
public sealed record ProgressEvent(string Status, string? Id = null, long? Current = null, long? Total = null)
{
    /// <summary>Push's final record: the tag, manifest digest and size (Docker's "aux").</summary>
    public PushResult? Result { get; init; }
}

public sealed record PushResult(string Tag, Digest Digest, long Size);
