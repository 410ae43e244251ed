using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>Which file a path names, symlinks followed: its device and inode. Two paths name one file when these match.</summary>
public readonly record struct FileIdentity(uint DeviceMajor, uint DeviceMinor, ulong Inode)
{
    /// <summary>The file <paramref name="path"/> names; null when there is none (or it cannot be looked at).</summary>
    public static unsafe FileIdentity? Of(string path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.statx(Libc.AT_FDCWD, path, 0, Libc.STATX_BASIC_STATS, buffer) < 0)
        {
            return null;
        }
        return new FileIdentity(*(uint*)(buffer + Libc.StatxDevMajorOffset), *(uint*)(buffer + Libc.StatxDevMajorOffset + 4), *(ulong*)(buffer + Libc.StatxInoOffset));
    }
}
