using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

/// <summary>Anonymous memory files and their seals (memfd_create(2), fcntl(2) F_ADD_SEALS).</summary>
internal static partial class Libc
{
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int memfd_create(string name, uint flags);

    internal const uint MFD_CLOEXEC = 1;
    internal const uint MFD_ALLOW_SEALING = 2;

    internal const int F_ADD_SEALS = 1033;
    internal const int F_GET_SEALS = 1034;

    internal const int F_SEAL_SEAL = 1;
    internal const int F_SEAL_SHRINK = 2;
    internal const int F_SEAL_GROW = 4;
    internal const int F_SEAL_WRITE = 8;
}
