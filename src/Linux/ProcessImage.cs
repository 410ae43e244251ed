using System.Runtime.InteropServices;
using System.Text;
using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// Replaces this process with another program (execve), as a container's entrypoint hands over to its daemon: the
/// daemon gets the container's PID and its stop signal directly, and nothing of .NET stays behind.
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
        var strings = new List<nint>();
        try
        {
            nint Native(string s)
            {
                var bytes = Encoding.UTF8.GetBytes(s + '\0');
                var memory = Marshal.AllocHGlobal(bytes.Length);
                Marshal.Copy(bytes, 0, memory, bytes.Length);
                strings.Add(memory);
                return memory;
            }
            var argv = new nint[arguments.Count + 1];
            for (var i = 0; i < arguments.Count; i++)
            {
                argv[i] = Native(arguments[i]);
            }
            var envp = new nint[environment.Count + 1];
            var n = 0;
            foreach (var (name, value) in environment)
            {
                envp[n++] = Native($"{name}={value}");
            }
            var file = Native(path);
            fixed (nint* argvPointer = argv)
            fixed (nint* envpPointer = envp)
            {
                Libc.execve((byte*)file, (byte**)argvPointer, (byte**)envpPointer);
            }
            throw new SystemCallException("execve", path, Marshal.GetLastPInvokeError());
        }
        finally
        {
            foreach (var memory in strings)
            {
                Marshal.FreeHGlobal(memory);
            }
        }
    }
}
