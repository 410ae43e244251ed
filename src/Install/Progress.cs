namespace CorralOS.Install;

/// <summary>The installer's progress lines ("install: ...", "upgrade: ..."), flushed at once so they show while a step runs.</summary>
public sealed class Progress(TextWriter output, string prefix = "install")
{
    public void Step(string line)
    {
        output.WriteLine($"{prefix}: {line}");
        output.Flush();
    }
}
