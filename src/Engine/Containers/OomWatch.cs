using System.Globalization;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Whether the kernel's OOM killer struck a container (Docker's State.OOMKilled), on cgroup v2. crun removes the
/// container's cgroup as soon as it exits, so its `memory.events` is watched while it runs (the kernel tells a change
/// of that file as a modification) and its `oom_kill` count read at each change. Should the count be gone before it is
/// read, a SIGKILL nobody asked for while the engine's parent cgroup counted a new OOM kill is taken as one.
/// </summary>
public sealed class OomWatch : IDisposable
{
    private const string Events = "memory.events";

    private readonly string _cgroup;
    private readonly string _parent;
    private readonly long _parentKillsBefore;
    private readonly FileSystemWatcher? _watcher;
    private volatile bool _killed;

    private OomWatch(string cgroup)
    {
        _cgroup = cgroup;
        _parent = Path.GetDirectoryName(cgroup)!;
        _parentKillsBefore = OomKills(_parent) ?? 0;
        try
        {
            if (Directory.Exists(cgroup) && File.Exists(Path.Combine(cgroup, Events)))
            {
                _watcher = new FileSystemWatcher(cgroup, Events) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes };
                _watcher.Changed += (_, _) => Check();
                _watcher.EnableRaisingEvents = true;
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No memory controller in this cgroup (or no inotify): the parent's count is all there is.
            _watcher?.Dispose();
            _watcher = null;
        }
        Check();
    }

    /// <summary>Starts watching the cgroup `/sys/fs/cgroup/<paramref name="cgroupsPath"/>` of a container that runs.</summary>
    public static OomWatch Start(string cgroupsPath) => new(Path.Combine("/sys/fs/cgroup", cgroupsPath.TrimStart('/')));

    /// <summary>After the container's exit: whether an OOM kill happened in it.</summary>
    public bool Killed(int exitCode, bool stoppedByUser)
    {
        Check();
        return _killed || (exitCode == 137 && !stoppedByUser && OomKills(_parent) > _parentKillsBefore);
    }

    public void Dispose() => _watcher?.Dispose();

    private void Check()
    {
        if (OomKills(_cgroup) > 0)
        {
            _killed = true;
        }
    }

    // `oom_kill N` of a cgroup's memory.events; null when there is none (no memory controller, or the cgroup is gone).
    private static long? OomKills(string cgroup)
    {
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(cgroup, Events)))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    return count;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone.
        }
        return null;
    }
}
