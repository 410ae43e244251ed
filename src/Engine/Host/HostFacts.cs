using System.Runtime.InteropServices;

namespace CorralOS.Engine.Host;

/// <summary>Facts about the machine for /info and /version, read from /proc, /sys and /etc.</summary>
public static class HostFacts
{
    public static string KernelVersion => ReadTrimmed("/proc/sys/kernel/osrelease") ?? "unknown";

    public static string HostName => ReadTrimmed("/proc/sys/kernel/hostname") ?? Environment.MachineName;

    /// <summary>The Go-style architecture name Docker reports in /version (amd64, arm64).</summary>
    public static string GoArch => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The uname machine name Docker reports in /info (x86_64, aarch64).</summary>
    public static string Machine => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>2 on a unified hierarchy (cgroup.controllers at the root), else 1.</summary>
    public static string CgroupVersion => File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1";

    public static long MemTotal => MemTotalIn("/proc/meminfo");

    /// <summary>MemTotal of a meminfo(5) file, in bytes; 0 when it has none.</summary>
    public static long MemTotalIn(string meminfo)
    {
        foreach (var line in File.ReadLines(meminfo))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    /// <summary>PRETTY_NAME and VERSION_ID from /etc/os-release.</summary>
    public static (string Name, string Version) OperatingSystem
    {
        get
        {
            foreach (var path in new[] { "/etc/os-release", "/usr/lib/os-release" })
            {
                if (CorralOS.Linux.OsReleaseFile.Read(path) is { } values)
                {
                    return (values.GetValueOrDefault("PRETTY_NAME", "Linux"), values.GetValueOrDefault("VERSION_ID", ""));
                }
            }
            return ("Linux", "");
        }
    }

    private static string? ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
