using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>File ownership, special files and extended attributes (image layer extraction needs them).</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int lchown(string pathname, uint owner, uint group);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mknod(string pathname, uint mode, ulong dev);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int lsetxattr(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Lib)]
    internal static partial uint geteuid();

    // link(2) does not follow a symlink at oldpath: the new name is a link to the symlink itself.
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int link(string oldpath, string newpath);

    // struct statx is the same on every architecture (unlike struct stat): stx_mode is a u16 at offset 28.
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);

    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const uint STATX_TYPE = 1;
    internal const int StatxSize = 256;
    internal const int StatxModeOffset = 28;
    internal const uint STATX_BASIC_STATS = 0x7FF;
    internal const int StatxUidOffset = 20;        // stx_uid, then stx_gid (u32 each)
    internal const int StatxRdevMajorOffset = 128; // stx_rdev_major, then stx_rdev_minor (u32 each)
    internal const int StatxInoOffset = 32;        // stx_ino (u64)
    internal const int StatxDevMajorOffset = 136;  // stx_dev_major, then stx_dev_minor (u32 each)
    internal const uint S_IFBLK = 0x6000;
    internal const uint S_IFREG = 0x8000;
    internal const uint S_IFMT = 0xF000;
    internal const uint S_IFSOCK = 0xC000;
    internal const uint S_IFCHR = 0x2000;
    internal const uint S_IFIFO = 0x1000;
}
