using CorralOS.Linux;

namespace CorralOS.Engine.Tests;

/// <summary>The sealed in-memory copy the engine starts crun from (<see cref="SealedExecutable"/>), on its own.</summary>
public sealed class SealedExecutableTests
{
    [Fact]
    public void The_sealed_copy_carries_every_write_seal_and_runs_the_program()
    {
        var path = SealedExecutable.PathFor("true");
        Assert.StartsWith($"/proc/{Environment.ProcessId}/fd/", path, StringComparison.Ordinal);
        using (var copy = File.OpenHandle(path))
        {
            Assert.Equal(SealedExecutable.AllSeals, SealedExecutable.SealsOf(copy));
        }
        using (var writable = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
        {
            // F_SEAL_WRITE: EPERM.
            Assert.Throws<UnauthorizedAccessException>(() => RandomAccess.Write(writable, "x"u8, 0));
        }
        using var process = System.Diagnostics.Process.Start(path, "--ignored")!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Same(path, SealedExecutable.PathFor("true"));
    }
}
