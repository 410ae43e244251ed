using CorralOS.Linux;

namespace CorralOS.Engine.Containers;

/// <summary>A container's root: overlayfs with the image layers (top first) as lowerdirs and its own upper/work dirs.</summary>
public sealed class RootFsMounter(ContainerLayout layout, Images.ImageStore images)
{
    private const int InvalidArgument = 22; // EINVAL

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
        var options = $"lowerdir={string.Join(':', lowers)},upperdir={layout.Upper(id)},workdir={layout.Work(id)}";
        if (container.Record.Config.HostConfig?.AutoRemove == true)
        {
            MountThrowaway(rootfs, options);
            return;
        }
        Mounts.Mount("overlay", rootfs, "overlay", MountFlags.None, options);
    }

    // A --rm container's changes are thrown away with it, so its overlay is volatile: no sync of the upper filesystem,
    // whose unmount otherwise flushes the whole data-root filesystem (tens of ms per `run --rm`). A kernel before 5.10
    // knows no volatile: the plain mount then.
    private static void MountThrowaway(string rootfs, string options)
    {
        try
        {
            Mounts.Mount("overlay", rootfs, "overlay", MountFlags.None, options + ",volatile");
        }
        catch (SystemCallException e) when (e.Errno == InvalidArgument)
        {
            Mounts.Mount("overlay", rootfs, "overlay", MountFlags.None, options);
        }
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
