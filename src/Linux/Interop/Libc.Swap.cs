using System.Runtime.InteropServices;

namespace CorralOS.Linux.Interop;

internal static partial class Libc
{
    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int swapon(string path, int swapflags);
}
