using System.Text;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>Ownership, whiteouts, FIFOs and xattrs: what .NET's File API does not cover.</summary>
public static class SpecialFiles
{
    /// <summary>True when the process runs with effective uid 0 (it may chown and mknod).</summary>
    public static bool IsRoot => Libc.geteuid() == 0;

    /// <summary>True when the path itself (not a symlink's target) is a unix socket.</summary>
    public static unsafe bool IsSocket(string path) => FileType(path) == Libc.S_IFSOCK;

    /// <summary>True when the path itself is a character device (an overlayfs whiteout when 0:0).</summary>
    public static unsafe bool IsCharacterDevice(string path) => FileType(path) == Libc.S_IFCHR;

    /// <summary>True when the path itself is a regular file (not a symlink, device, FIFO or socket).</summary>
    public static bool IsRegularFile(string path) => FileType(path) == Libc.S_IFREG;

    private static unsafe uint FileType(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        SystemCallException.ThrowIfFailed(Libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, buffer), "statx", path);
        return *(ushort*)(buffer + Libc.StatxModeOffset) & Libc.S_IFMT;
    }

    /// <summary>
    /// The device node at <paramref name="path"/> (symlinks followed): 'c' or 'b', its numbers, permission bits and
    /// owner; null when it is not a device. Throws <see cref="SystemCallException"/> when it cannot be read (ENOENT).
    /// </summary>
    public static unsafe DeviceNode? Device(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        SystemCallException.ThrowIfFailed(Libc.statx(Libc.AT_FDCWD, path, 0, Libc.STATX_BASIC_STATS, buffer), "statx", path);
        var mode = (uint)*(ushort*)(buffer + Libc.StatxModeOffset);
        var type = (mode & Libc.S_IFMT) switch { Libc.S_IFCHR => 'c', Libc.S_IFBLK => 'b', _ => '\0' };
        return type == '\0' ? null : new DeviceNode(type,
            *(uint*)(buffer + Libc.StatxRdevMajorOffset), *(uint*)(buffer + Libc.StatxRdevMajorOffset + 4),
            mode & 0xFFF, *(uint*)(buffer + Libc.StatxUidOffset), *(uint*)(buffer + Libc.StatxUidOffset + 4));
    }

    /// <summary>The owner and group of the path itself (not a symlink's target).</summary>
    public static unsafe (int Uid, int Gid) Owner(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        SystemCallException.ThrowIfFailed(Libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, buffer), "statx", path);
        return ((int)*(uint*)(buffer + Libc.StatxUidOffset), (int)*(uint*)(buffer + Libc.StatxUidOffset + 4));
    }

    /// <summary>Sets owner and group without following a symlink.</summary>
    public static void SetOwner(string path, int uid, int gid) =>
        SystemCallException.ThrowIfFailed(Libc.lchown(path, (uint)uid, (uint)gid), "lchown", path);

    /// <summary>An overlayfs whiteout: a character device 0:0 hides the lower layer's file of that name.</summary>
    public static void CreateWhiteout(string path) =>
        SystemCallException.ThrowIfFailed(Libc.mknod(path, Libc.S_IFCHR, 0), "mknod", path);

    public static void CreateHardLink(string path, string existing) =>
        SystemCallException.ThrowIfFailed(Libc.link(existing, path), "link", $"{path} to {existing}");

    public static void CreateFifo(string path, UnixFileMode mode) =>
        SystemCallException.ThrowIfFailed(Libc.mknod(path, Libc.S_IFIFO | (uint)mode, 0), "mknod", path);

    /// <summary>Sets an extended attribute on the path itself (not a symlink's target).</summary>
    public static unsafe void SetAttribute(string path, string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* p = bytes)
        {
            SystemCallException.ThrowIfFailed(Libc.lsetxattr(path, name, p, (nuint)bytes.Length, 0), "lsetxattr", $"{name} on {path}");
        }
    }
}

/// <summary>A character ('c') or block ('b') device node: numbers, permission bits, owner.</summary>
public readonly record struct DeviceNode(char Type, uint Major, uint Minor, uint Mode, uint Uid, uint Gid);
