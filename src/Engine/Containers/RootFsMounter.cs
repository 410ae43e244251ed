using CorralOS.Linux;

namespace CorralOS.Engine.Containers;

/// <summary>A container's root: overlayfs with the image layers (top first) as lowerdirs and its own upper/work dirs.</summary>
public sealed class RootFsMounter(ContainerLayout layout, Images.ImageStore images)
{
    public void Mount(Container container)
    {
        var id = container.Id;
        var rootfs = layout.RootFs(id);
        Directory.CreateDirectory(layout.Upper(id));
        Directory.CreateDirectory(layout.Work(id));
        Directory.CreateDirectory(rootfs);
        if (Mounts.IsMountPoint(rootfs))
        {
            return;
        }
        var image = images.Get(container.Record.ImageId);
        var lowers = image.Record.Layers.Select(l => images.Layout.LayerDiff(Images.Digest.Parse(l.DiffId))).Reverse().ToList();
        if (lowers.Count == 0)
        {
            // overlayfs needs a lower layer; an image without layers gets an empty one.
            lowers.Add(Directory.CreateDirectory(Path.Combine(layout.Dir(id), "empty")).FullName);
        }
        Mounts.Mount("overlay", rootfs, "overlay", MountFlags.None, $"lowerdir={string.Join(':', lowers)},upperdir={layout.Upper(id)},workdir={layout.Work(id)}");
    }

    public void Unmount(Container container) => Unmount(layout.RootFs(container.Id));

    /// <summary>Unmounts the rootfs at <paramref name="rootfs"/> if mounted (also once its directory was renamed aside).</summary>
    public static void Unmount(string rootfs)
    {
        if (Mounts.IsMountPoint(rootfs))
        {
            // Detached: a process the container left behind in the mount must not keep the engine from going on.
            Mounts.Unmount(rootfs, detach: true);
        }
    }
}
