using System.Text;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>Interface flags through the classic SIOC[GS]IFFLAGS ioctls (enough for lo; netconf does the rest later).</summary>
public static class NetworkInterfaces
{
    public static unsafe void SetUp(string name)
    {
        var fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        SystemCallException.ThrowIfFailed(fd, "socket", "AF_INET");
        try
        {
            var request = default(Libc.ifreq);
            var bytes = Encoding.ASCII.GetBytes(name);
            if (bytes.Length >= Libc.IFNAMSIZ)
            {
                throw new ArgumentException($"interface name '{name}' is longer than {Libc.IFNAMSIZ - 1} bytes", nameof(name));
            }
            for (var i = 0; i < bytes.Length; i++)
            {
                request.ifr_name[i] = bytes[i];
            }
            SystemCallException.ThrowIfFailed(Libc.ioctl(fd, Libc.SIOCGIFFLAGS, &request), "SIOCGIFFLAGS", name);
            request.ifr_flags |= Libc.IFF_UP;
            SystemCallException.ThrowIfFailed(Libc.ioctl(fd, Libc.SIOCSIFFLAGS, &request), "SIOCSIFFLAGS", name);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    public static bool IsUp(string name, string sysRoot = "/sys")
    {
        var flagsFile = Path.Combine(sysRoot, "class/net", name, "flags");
        return File.Exists(flagsFile)
            && (Convert.ToInt32(File.ReadAllText(flagsFile).Trim(), 16) & Libc.IFF_UP) != 0;
    }
}
