namespace CorralOS.Engine.Images;

public sealed partial class ImageStore
{
    /// <summary>
    /// What `docker save NAME` writes for one name: a repository name alone means every tag of that repository;
    /// a tag means that tag; an ID (or prefix) means the image without a tag.
    /// </summary>
    public IReadOnlyList<(StoredImage Image, ImageReference? Tag)> ResolveForSave(string name)
    {
        lock (_gate)
        {
            if (ImageReference.TryParse(name, out var reference) && reference!.Tag is null && reference.Digest is null)
            {
                var tagged = _refs.Refs
                    .Select(r => (Reference: ImageReference.Parse(r.Key), Id: r.Value))
                    .Where(r => r.Reference.Digest is null && r.Reference.Name == reference.Name)
                    .OrderBy(r => r.Reference.Tag, StringComparer.Ordinal)
                    .Select(r => (Describe(r.Id), (ImageReference?)r.Reference))
                    .ToList();
                if (tagged.Count > 0)
                {
                    return tagged;
                }
            }
            var id = ResolveId(name);
            var asTag = reference?.WithDefaultTag();
            var tag = asTag is { Digest: null } && _refs.Refs.TryGetValue(asTag.ToString(), out var tagged1) && tagged1 == id ? asTag : null;
            return [(Describe(id), tag)];
        }
    }
}
