using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>Signal numbers on x86_64 Linux that CorralOS sends or handles.</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGTERM = 15;
    public const int SIGPWR = 30;
}

/// <summary>Process-level calls: own pid, signals, and the view of /proc.</summary>
public static class Processes
{
    public static int CurrentId => Libc.getpid();

    public static void Kill(int pid, int signal) =>
        SystemCallException.ThrowIfFailed(Libc.kill(pid, signal), "kill", $"pid {pid} signal {signal}");

    /// <summary>Sends <paramref name="signal"/> to every process but the caller (kill(-1)); false when there was none.</summary>
    public static bool KillAllOthers(int signal) => Libc.kill(-1, signal) == 0;

    /// <summary>User-space processes other than the caller, from /proc (kernel threads have no cmdline).</summary>
    public static IReadOnlyList<int> OtherUserProcesses(string procRoot = "/proc")
    {
        var self = CurrentId;
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == self)
            {
                continue;
            }
            try
            {
                if (new FileInfo(Path.Combine(dir, "cmdline")).Exists && File.ReadAllBytes(Path.Combine(dir, "cmdline")).Length > 0)
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return pids;
    }

    /// <summary>
    /// Every live descendant of <paramref name="pid"/> (children, their children, ...), from the parent pid in each
    /// /proc/PID/stat; a process that ends meanwhile is left out.
    /// </summary>
    public static IReadOnlyList<int> Descendants(int pid, string procRoot = "/proc")
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child) || ParentOf(dir) is not { } parent)
            {
                continue;
            }
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }
            list.Add(child);
        }
        var found = new List<int>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var next))
        {
            foreach (var child in children.GetValueOrDefault(next) ?? [])
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }
        return found;
    }

    // /proc/PID/stat is "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    private static int? ParentOf(string procDir)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procDir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 1 && int.TryParse(fields[1], out var ppid) ? ppid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // it ended while we looked
        }
    }
}
