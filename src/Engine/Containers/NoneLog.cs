namespace CorralOS.Engine.Containers;

/// <summary>The `none` log driver: output reaches attached clients and nothing else.</summary>
public sealed class NoneLog : LineLog
{
    protected override void Write(string stream, List<byte> line)
    {
    }

    public override void Dispose()
    {
    }
}
