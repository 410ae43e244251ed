namespace CorralOS.Engine.Images;

/// <summary>
/// Where the image store keeps things under the data root. Every visible object is renamed into place
/// from tmp/ (same filesystem), so a crash leaves either the whole object or nothing.
/// <code>
/// image/blobs/sha256/HEX            configs and layer blobs as received (content-addressed)
/// image/layers/sha256/DIFFID/diff   a layer extracted once, an overlayfs lowerdir
///                                   (CorralOS's boot images come in the initrd extracted, without their layer blobs;
///                                   a linked image's layer is a symlink into the system images file, ImageStore.Link)
/// image/layers/sha256/DIFFID/layer.json
/// image/images/sha256/ID.json       one record per image (its presence makes the image visible)
/// image/repositories.json           tags and digest references to image IDs
/// tmp/                              staging; emptied at start-up
/// </code>
/// </summary>
public sealed class StoreLayout(string dataRoot)
{
    public string DataRoot { get; } = Path.GetFullPath(dataRoot);

    public string ImageRoot => Path.Combine(DataRoot, "image");

    public string Blobs => Path.Combine(ImageRoot, "blobs", "sha256");

    public string Layers => Path.Combine(ImageRoot, "layers", "sha256");

    public string Images => Path.Combine(ImageRoot, "images", "sha256");

    public string Repositories => Path.Combine(ImageRoot, "repositories.json");

    public string Temp => Path.Combine(DataRoot, "tmp");

    public string Blob(Digest digest) => Path.Combine(Blobs, digest.Hex);

    public string Layer(Digest diffId) => Path.Combine(Layers, diffId.Hex);

    /// <summary>The directory an overlay mount takes as a lowerdir.</summary>
    public string LayerDiff(Digest diffId) => Path.Combine(Layer(diffId), "diff");

    public string ImageFile(Digest id) => Path.Combine(Images, id.Hex + ".json");

    /// <summary>
    /// A layer blob save and push need. The initrd and the system images file ship CorralOS's system images extracted,
    /// without layer blobs (build/initrd.sh): they run, list and inspect as any image, but cannot be saved or pushed.
    /// </summary>
    public static void RequireBlob(Digest blob, string path)
    {
        if (!File.Exists(path))
        {
            throw new ConflictException($"the layer blob {blob} is not kept (a system image shipped extracted, in the initrd or the system images file): it cannot be saved or pushed");
        }
    }

    public void Create()
    {
        foreach (var dir in new[] { Blobs, Layers, Images, Temp })
        {
            Directory.CreateDirectory(dir);
        }
        File.SetUnixFileMode(DataRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>A fresh private directory under tmp/ for one operation.</summary>
    public string NewTempDirectory(string purpose) => Directory.CreateDirectory(Path.Combine(Temp, $"{purpose}-{Guid.NewGuid():N}")).FullName;
}
