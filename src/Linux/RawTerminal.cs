using CorralOS.Linux.Interop;

namespace CorralOS.Linux;

/// <summary>
/// The local terminal in raw mode for the lifetime of this object (as `docker run -it` does: keys go to the
/// container's TTY unprocessed, ctrl-c included), restored on dispose.
/// </summary>
public sealed unsafe class RawTerminal : IDisposable
{
    private readonly int _fd;
    private readonly byte[] _saved;
    private bool _restored;

    private RawTerminal(int fd, byte[] saved)
    {
        _fd = fd;
        _saved = saved;
    }

    public static bool IsTerminal(int fd) => Libc.isatty(fd) == 1;

    /// <summary>Raw mode on <paramref name="fd"/>, or null when it is not a terminal.</summary>
    public static RawTerminal? Enter(int fd)
    {
        if (!IsTerminal(fd))
        {
            return null;
        }
        var saved = new byte[Libc.TermiosSize];
        var raw = new byte[Libc.TermiosSize];
        fixed (byte* s = saved)
        fixed (byte* r = raw)
        {
            SystemCallException.ThrowIfFailed(Libc.tcgetattr(fd, s), "tcgetattr", "terminal");
            saved.CopyTo(raw, 0);
            Libc.cfmakeraw(r);
            SystemCallException.ThrowIfFailed(Libc.tcsetattr(fd, Libc.TCSANOW, r), "tcsetattr", "terminal");
        }
        return new RawTerminal(fd, saved);
    }

    /// <summary>The terminal's rows and columns, or null when <paramref name="fd"/> is not a terminal.</summary>
    public static (int Rows, int Columns)? Size(int fd)
    {
        var size = default(Libc.WinSize);
        return Libc.ioctl(fd, Libc.TIOCGWINSZ, &size) == 0 && size.Rows > 0 ? (size.Rows, size.Columns) : null;
    }

    public void Dispose()
    {
        if (_restored)
        {
            return;
        }
        _restored = true;
        fixed (byte* s = _saved)
        {
            _ = Libc.tcsetattr(_fd, Libc.TCSANOW, s);
        }
    }
}
