using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CorralOS.Engine.Tests;

/// <summary>
/// crun 1.8 refuses a hybrid cgroup layout (cgroup v1 controllers plus a v2 mount), which development hosts often
/// have. Before any test runs, this test process re-executes itself, same pid and arguments, inside a private mount
/// namespace where only cgroup2 is mounted at /sys/fs/cgroup. The host's mounts are untouched, and every overlay a
/// test leaves mounted disappears with the namespace. In CorralOS itself /sys/fs/cgroup is unified.
/// </summary>
internal static partial class CgroupNamespace
{
    private const string Marker = "CORRALOS_TEST_CGROUP_NS";

    [ModuleInitializer]
    internal static void EnterIfNeeded()
    {
        if (Environment.GetEnvironmentVariable(Marker) is not null || File.Exists("/sys/fs/cgroup/cgroup.controllers")
            || Environment.UserName != "root" || !File.Exists("/usr/bin/unshare"))
        {
            return;
        }
        var argv = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        var exe = File.ResolveLinkTarget("/proc/self/exe", returnFinalTarget: true)!.FullName;
        string?[] args =
        [
            "unshare", "--mount", "--propagation", "private", "--",
            "/bin/sh", "-c", "mount -t cgroup2 none /sys/fs/cgroup && exec \"$@\"", "sh", exe, .. argv.Skip(1), null,
        ];
        var env = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}").Append($"{Marker}=1").Cast<string?>().Append(null).ToArray();
        execve("/usr/bin/unshare", args, env);
        throw new InvalidOperationException($"could not re-execute the tests in a cgroup2 mount namespace: errno {Marshal.GetLastPInvokeError()}");
    }

#pragma warning disable SYSLIB1054 // string arrays need the classic marshaller; this test binary is not trimmed
    [DllImport("libc", SetLastError = true)]
    private static extern int execve(string path, string?[] argv, string?[] envp);
#pragma warning restore SYSLIB1054
}
