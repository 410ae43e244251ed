namespace CorralOS.Engine.Images;

/// <summary>An image as the store knows it: its record, parsed config, references and size.</summary>
public sealed record StoredImage(ImageRecord Record, ImageConfig Config, IReadOnlyList<ImageReference> Tags, IReadOnlyList<ImageReference> Digests, long Size, DateTimeOffset? LastTagTime)
{
    public string Id => Record.Id;

    public Digest Digest => Record.Digest;

    public bool Dangling => Tags.Count == 0 && Digests.Count == 0;

    public IEnumerable<string> DiffIds => Record.Layers.Select(l => l.DiffId);
}
