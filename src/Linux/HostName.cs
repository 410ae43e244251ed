using System.Text;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>The kernel's host name (UTS namespace).</summary>
public static class HostName
{
    public static unsafe void Set(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            SystemCallException.ThrowIfFailed(Libc.sethostname(p, (nuint)bytes.Length), "sethostname", name);
        }
    }

    public static string Get() => File.ReadAllText("/proc/sys/kernel/hostname").Trim();
}
