using System.Collections.Concurrent;
using CorralOS.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Linux;

/// <summary>
/// A program started from a sealed in-memory copy of itself (memfd_create(2) with every write seal), through
/// /proc/PID/fd/N of this process. For crun: to guard against CVE-2019-5736 it re-executes itself from such a copy
/// unless it already runs from one, and Debian's crun 1.8 does that twice per call (a read-only bind mount first,
/// which its own check then does not accept, then a memfd). Each start loads crun and its ten libraries again, about
/// 45 ms under software emulation, so every `crun run` on the way to `started` paid twice that. Started from a
/// sealed copy, crun recognises it and runs at once; the copy cannot be written, which is the point of the guard.
/// One copy per program and process, kept open for the process's life.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class SealedExecutable
{
    /// <summary>All of them: what crun and runc require before they accept a memfd as their own clone.</summary>
    public const int AllSeals = Libc.F_SEAL_SEAL | Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE;

    private static readonly ConcurrentDictionary<string, Lazy<string>> s_paths = new(StringComparer.Ordinal);

    // The copies' descriptors, open (and so alive) for the process's life: every later start goes through them.
    private static readonly ConcurrentBag<SafeFileHandle> s_kept = [];

    /// <summary>
    /// The path to start <paramref name="program"/> (a name looked up in PATH, or a path) by: its sealed copy's
    /// /proc/PID/fd/N, or the program itself when no copy can be made (no memfd support, no /proc, an unreadable file).
    /// </summary>
    public static string PathFor(string program) =>
        s_paths.GetOrAdd(program, p => new Lazy<string>(() => TrySeal(p) ?? p)).Value;

    /// <summary>The seals on an open file, F_GET_SEALS (-1 when it is not a file that takes seals).</summary>
    public static int SealsOf(SafeFileHandle file) => Libc.fcntl(file.DangerousGetHandle().ToInt32(), Libc.F_GET_SEALS);

    private static string? TrySeal(string program)
    {
        if (ProgramPath.Find(program) is not { } file)
        {
            return null;
        }
        var fd = Libc.memfd_create(Path.GetFileName(file), Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        if (fd < 0)
        {
            return null;
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var path = $"/proc/{Environment.ProcessId}/fd/{fd}";
        if (!CopyAndSeal(file, fd) || !File.Exists(path))
        {
            handle.Dispose();
            return null;
        }
        s_kept.Add(handle);
        return path;
    }

    private static bool CopyAndSeal(string file, int fd)
    {
        try
        {
            using (var source = File.OpenRead(file))
            // The stream's own handle does not own the descriptor: disposing the stream must not close the copy.
            using (var copy = new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0))
            {
                source.CopyTo(copy);
            }
            return Libc.fcntl_arg(fd, Libc.F_ADD_SEALS, AllSeals) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
