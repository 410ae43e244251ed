namespace CorralOS.Console.Respawn;

/// <summary>How respawn restarts its lines and stops them.</summary>
public sealed record RespawnOptions
{
    /// <summary>More restarts than this within <see cref="Window"/> and the line backs off (reference §1.9: 10 in 1 s).</summary>
    public int RestartLimit { get; init; } = 10;

    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a line that restarts too fast waits before it is started again.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After SIGTERM, how long children get before SIGKILL.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>Told of every start, exit and back-off (tests watch it).</summary>
    public Action<RespawnEvent>? Observer { get; init; }
}

public enum RespawnEventKind
{
    Started,
    Exited,
    BackingOff,
}

/// <param name="Line">The respawn.conf line.</param>
/// <param name="Value">The pid (Started), the exit code (Exited; -1 when it could not start) or 0.</param>
public sealed record RespawnEvent(RespawnEventKind Kind, string Line, int Value);
