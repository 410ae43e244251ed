using CorralOS.Engine.Images;

namespace CorralOS.Engine.Archives;

/// <summary>One image found in an archive, before anything is verified: where its parts are and what they should hash to.</summary>
/// <param name="Config">Archive path of the config blob.</param>
/// <param name="ConfigDigest">The digest the archive claims for the config, when it names one.</param>
/// <param name="Layers">Layers bottom to top.</param>
/// <param name="Tags">References the archive asks to tag the image with.</param>
public sealed record ArchiveImage(string Config, Digest? ConfigDigest, IReadOnlyList<ArchiveLayer> Layers, IReadOnlyList<ImageReference> Tags);

/// <param name="Path">Archive path of the layer blob.</param>
/// <param name="BlobDigest">The digest the archive claims for the blob as stored, when it names one.</param>
public sealed record ArchiveLayer(string Path, Digest? BlobDigest);
