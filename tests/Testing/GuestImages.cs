namespace CorralOS.Testing;

/// <summary>Shell commands that give User Docker in the guest an image to run.</summary>
public static class GuestImages
{
    /// <summary>
    /// System Docker's busybox image <paramref name="image"/> (corralos/os-base) in User Docker under the same name, unless
    /// it has it: its root filesystem, written out by a System Docker container, imported. System Docker's images ship
    /// without layer blobs (docs/build.md), so `system-docker save` refuses them.
    /// </summary>
    public static string ImportBase(string image) =>
        $"{{ docker image inspect {image} >/dev/null 2>&1 || {{ sudo system-docker run --rm -v /home/rancher:/out {image} " +
        "sh -c 'cd / && tar -cf /out/base.tar $(ls -d bin sbin lib lib64 usr etc 2>/dev/null)' && " +
        $"docker import /home/rancher/base.tar {image} >/dev/null && sudo rm /home/rancher/base.tar; }}; }}";
}
