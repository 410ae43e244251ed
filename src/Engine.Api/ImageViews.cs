using System.Globalization;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Api;

/// <summary>Turns stored images into the API's shapes (list entry, inspect, history).</summary>
public sealed class ImageViews(ImageStore store)
{
    /// <summary>The storage driver name reported: layers are plain directories stacked by overlayfs.</summary>
    public const string Driver = "overlayfs";

    public static ImageSummary Summary(StoredImage image) => new()
    {
        Id = image.Id,
        RepoTags = image.Tags.Select(t => t.Familiar).ToList(),
        RepoDigests = image.Digests.Select(d => d.Familiar).ToList(),
        Created = image.Config.Created?.ToUnixTimeSeconds() ?? 0,
        Size = image.Size,
        VirtualSize = image.Size,
        Labels = image.Config.Labels().ToDictionary(),
    };

    public ImageInspect Inspect(StoredImage image) => new()
    {
        Id = image.Id,
        RepoTags = image.Tags.Select(t => t.Familiar).ToList(),
        RepoDigests = image.Digests.Select(d => d.Familiar).ToList(),
        Comment = image.Config.Comment ?? "",
        Created = Rfc3339(image.Config.Created ?? DateTimeOffset.MinValue),
        DockerVersion = image.Config.DockerVersion ?? "",
        Author = image.Config.Author ?? "",
        Config = image.Config.Config,
        Architecture = image.Config.Architecture ?? "",
        Variant = image.Config.Variant,
        Os = image.Config.Os ?? "",
        OsVersion = image.Config.OsVersion,
        Size = image.Size,
        VirtualSize = image.Size,
        GraphDriver = new GraphDriverData(Driver, image.Record.Layers.Count == 0
            ? []
            : new Dictionary<string, string>
            {
                // overlayfs takes lowerdirs top layer first.
                ["LowerDir"] = string.Join(':', image.Record.Layers.AsEnumerable().Reverse().Select(l => store.Layout.LayerDiff(Digest.Parse(l.DiffId)))),
            }),
        RootFs = new RootFsView("layers", image.DiffIds.ToList()),
        Metadata = new ImageMetadata(image.LastTagTime is { } t ? Rfc3339(t) : "0001-01-01T00:00:00Z"),
    };

    /// <summary>
    /// The config's history newest first; entries that made a layer carry its size. The newest entry carries
    /// the image ID and tags, the others "&lt;missing&gt;" (their intermediate images are not stored, as with
    /// any loaded or pulled image in Docker).
    /// </summary>
    public List<HistoryItem> History(StoredImage image)
    {
        var layers = image.Record.Layers;
        var history = image.Config.History is { Count: > 0 } h
            ? h
            : layers.Select(_ => new HistoryEntry { Created = image.Config.Created }).ToList();
        var items = new List<HistoryItem>();
        var layerIndex = 0;
        foreach (var entry in history)
        {
            var size = 0L;
            if (!entry.EmptyLayer && layerIndex < layers.Count)
            {
                size = store.LayerSize(layers[layerIndex++].DiffId);
            }
            items.Add(new HistoryItem
            {
                Id = "<missing>",
                Created = entry.Created?.ToUnixTimeSeconds() ?? 0,
                CreatedBy = entry.CreatedBy ?? "",
                Size = size,
                Comment = entry.Comment ?? "",
            });
        }
        items.Reverse();
        if (items.Count > 0)
        {
            items[0] = new HistoryItem
            {
                Id = image.Id,
                Created = items[0].Created,
                CreatedBy = items[0].CreatedBy,
                Size = items[0].Size,
                Comment = items[0].Comment,
                Tags = image.Tags.Select(t => t.Familiar).ToList(),
            };
        }
        return items;
    }

    /// <summary>Fixed nine fraction digits, as Docker prints log timestamps.</summary>
    public static string Rfc3339Nano(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    /// <summary>Go's time.RFC3339Nano, which Docker clients parse.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time == DateTimeOffset.MinValue
            ? "0001-01-01T00:00:00Z"
            : time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
