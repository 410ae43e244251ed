namespace CorralOS.Install;

/// <summary>The installer's progress lines ("install: ..."), flushed at once so they show while a step runs.</summary>
public sealed class Progress(TextWriter output)
{
    public void Step(string line)
    {
        output.WriteLine($"install: {line}");
        output.Flush();
    }
}
