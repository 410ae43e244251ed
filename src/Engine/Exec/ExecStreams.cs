namespace CorralOS.Engine.Exec;

/// <summary>Where an exec's input comes from (null: none) and where its output goes (1 = stdout, 2 = stderr; 1 for a TTY).</summary>
public sealed record ExecStreams(Stream? Input, Func<int, ReadOnlyMemory<byte>, Task> Output)
{
    public static ExecStreams None { get; } = new(null, (_, _) => Task.CompletedTask);
}
