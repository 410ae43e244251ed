namespace CorralOS.Engine.Images;

/// <summary>One line of DELETE /images/{name}'s answer: a reference removed, or an image deleted.</summary>
public sealed record ImageDeletion(string? Untagged, string? Deleted);
