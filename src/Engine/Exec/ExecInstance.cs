using CorralOS.Engine.Containers;
using Microsoft.Win32.SafeHandles;

namespace CorralOS.Engine.Exec;

/// <summary>One exec instance: what was asked for, and its process's state (kept in memory only, as in Docker).</summary>
public sealed class ExecInstance(string id, Container container, ExecConfig config)
{
    private readonly Lock _gate = new();
    private SafeFileHandle? _terminal;
    private (int Rows, int Columns)? _size;
    private string? _pidFile;
    private int _pid;

    public string Id { get; } = id;

    public Container Container { get; } = container;

    public ExecConfig Config { get; } = config;

    public bool Started { get; private set; }

    public bool Running { get; private set; }

    /// <summary>Null until the process has exited.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>
    /// The process's pid on the host, 0 until crun has written it. Read from crun's pid file when asked before the
    /// engine's own wait for that file has seen it: a client may inspect an exec that has long been talking to it.
    /// </summary>
    public int Pid
    {
        get
        {
            if (_pid == 0 && Running && _pidFile is { } pidFile)
            {
                _pid = ContainerRun.ReadPid(pidFile);
            }
            return _pid;
        }
    }

    /// <summary>Marks the instance started; false when it already was (an exec runs once).</summary>
    internal bool TryStart()
    {
        lock (_gate)
        {
            if (Started)
            {
                return false;
            }
            Started = true;
            Running = true;
            return true;
        }
    }

    /// <summary>Where crun writes the pid, once the process is being started.</summary>
    internal void Starting(string pidFile) => _pidFile = pidFile;

    internal void SetPid(int pid) => _pid = pid;

    internal void Exited(int exitCode)
    {
        lock (_gate)
        {
            ExitCode = exitCode;
            Running = false;
            _terminal = null;
        }
    }

    /// <summary>The terminal size asked for so far (start's ConsoleSize or a resize), if any.</summary>
    internal (int Rows, int Columns)? RequestedSize
    {
        get
        {
            lock (_gate)
            {
                return _size;
            }
        }
    }

    /// <summary>The pty master once the runtime sent it; a size asked for earlier is applied now.</summary>
    internal void AttachTerminal(SafeFileHandle terminal)
    {
        lock (_gate)
        {
            _terminal = terminal;
            if (_size is { } size)
            {
                CorralOS.Linux.Terminals.Resize(terminal, size.Rows, size.Columns);
            }
        }
    }

    /// <summary>Sets the terminal's size, or remembers it until the terminal exists (the CLI resizes right after start).</summary>
    public void Resize(int rows, int columns)
    {
        lock (_gate)
        {
            _size = (rows, columns);
            if (_terminal is { IsClosed: false } terminal)
            {
                CorralOS.Linux.Terminals.Resize(terminal, rows, columns);
            }
        }
    }
}
