namespace CorralOS.CloudInit;

/// <summary>What one cloud-init-save run did, as lines for the boot log.</summary>
/// <param name="Datasource">The source that answered, or null when none did.</param>
/// <param name="Messages">What was chosen and which files were written or removed.</param>
/// <param name="Problems">What was reported and left out (unsupported sources, bad user data, unreadable metadata).</param>
/// <param name="Failed">True when a source answered but could not be read, or the files could not be written; nothing was changed then.</param>
public sealed record CloudInitReport(string? Datasource, IReadOnlyList<string> Messages, IReadOnlyList<string> Problems, bool Failed);
