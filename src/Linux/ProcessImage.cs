using System.Runtime.InteropServices;
using System.Text;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// Replaces this process with another program (execve), as a container's entrypoint hands over to its daemon: the
/// daemon gets the container's PID and its stop signal directly, and nothing of .NET stays behind. Before the exec
/// the program's start is made what it would be under a shell's exec, not .NET's: SIGPIPE back to its default (the
/// runtime ignores it, and an ignored signal stays ignored across execve; the handlers the runtime installed are reset
/// by execve itself, which is all .NET's own Process.Start resets), no signal blocked, and every descriptor above the
/// standard streams close-on-exec (a container's entrypoint gets only 0-2 from the engine, so the others are the
/// runtime's or ours).
/// </summary>
public static class ProcessImage
{
    /// <summary>
    /// Execs <paramref name="path"/> with <paramref name="arguments"/> (argv[0] included) and exactly
    /// <paramref name="environment"/>; stdout and stderr append to <paramref name="output"/> (created 0644) when given.
    /// <paramref name="passed"/> become the program's descriptors 3, 4, ... (socket activation: LISTEN_FDS).
    /// Returns only by throwing.
    /// </summary>
    public static unsafe void Replace(string path, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string? output = null, IReadOnlyList<int>? passed = null)
    {
        PrepareForExec();
        for (var i = 0; i < (passed?.Count ?? 0); i++)
        {
            var target = 3 + i;
            // dup2 clears close-on-exec on the copy, but does nothing when the descriptor is already the target.
            SystemCallException.ThrowIfFailed(passed![i] == target ? Libc.fcntl_arg(target, Libc.F_SETFD, 0) : Libc.dup2(passed[i], target), "dup2", path);
        }
        if (output is not null)
        {
            var fd = Libc.open_mode(output, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_CLOEXEC, 0x1A4 /* 0644 */);
            SystemCallException.ThrowIfFailed(fd, "open", output);
            // dup2 clears close-on-exec on the copies: the program keeps 1 and 2, not the original.
            SystemCallException.ThrowIfFailed(Libc.dup2(fd, 1), "dup2", output);
            SystemCallException.ThrowIfFailed(Libc.dup2(fd, 2), "dup2", output);
            Libc.close(fd);
        }
        using var strings = new NativeStrings();
        var envp = strings.Array(environment.Select(e => $"{e.Key}={e.Value}"));
        fixed (nint* argvPointer = strings.Array(arguments))
        fixed (nint* envpPointer = envp)
        {
            Libc.execve((byte*)strings.Add(path), (byte**)argvPointer, (byte**)envpPointer);
        }
        throw new SystemCallException("execve", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// Execs <paramref name="command"/> (command[0] looked up in PATH as a shell does: execvp) with this process's
    /// environment and standard streams. Returns only by throwing: <see cref="SystemCallException.Errno"/> says why
    /// (ENOENT: not found; EACCES: not executable).
    /// </summary>
    public static unsafe void Become(IReadOnlyList<string> command)
    {
        ArgumentOutOfRangeException.ThrowIfZero(command.Count);
        // What .NET buffered is written before the image goes.
        System.Console.Out.Flush();
        System.Console.Error.Flush();
        PrepareForExec();
        using var strings = new NativeStrings();
        fixed (nint* argvPointer = strings.Array(command))
        {
            Libc.execvp((byte*)strings.Add(command[0]), (byte**)argvPointer);
        }
        throw new SystemCallException("execvp", command[0], Marshal.GetLastPInvokeError());
    }

    /// <summary>SIGPIPE to SIG_DFL, an empty signal mask, descriptors 3 and up close-on-exec (see the class summary).</summary>
    private static unsafe void PrepareForExec()
    {
        SystemCallException.ThrowIfFailed(Libc.signal(Libc.SIGPIPE, Libc.SIG_DFL), "signal", "SIGPIPE");
        var empty = stackalloc byte[Libc.SigsetSize];
        new Span<byte>(empty, Libc.SigsetSize).Clear();
        SystemCallException.ThrowIfFailed(Libc.sigprocmask(Libc.SIG_SETMASK, empty, null), "sigprocmask", "SIG_SETMASK");
        // The listing is taken whole first: enumerating /proc/self/fd opens a descriptor of its own.
        var descriptors = Directory.GetFileSystemEntries("/proc/self/fd").Select(Path.GetFileName).Select(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var fd in descriptors.Where(fd => fd > 2))
        {
            var flags = Libc.fcntl(fd, Libc.F_GETFD);
            if (flags >= 0 && (flags & Libc.FD_CLOEXEC) == 0)
            {
                Libc.fcntl_arg(fd, Libc.F_SETFD, flags | Libc.FD_CLOEXEC);
            }
            // flags < 0: the listing's own descriptor, closed by now.
        }
    }

    /// <summary>NUL-terminated UTF-8 copies in native memory for the exec calls, freed when disposed (a failed exec).</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly List<nint> _memory = [];

        public nint Add(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s + '\0');
            var memory = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, memory, bytes.Length);
            _memory.Add(memory);
            return memory;
        }

        /// <summary>A NULL-terminated array of pointers to copies of <paramref name="items"/> (argv, envp).</summary>
        public nint[] Array(IEnumerable<string> items) => [.. items.Select(Add), 0];

        public void Dispose()
        {
            foreach (var memory in _memory)
            {
                Marshal.FreeHGlobal(memory);
            }
        }
    }
}
