using System.Diagnostics;
using System.Text;

namespace CorralOS.Build.Tests;

/// <summary>Runs build scripts and tools, failing the test with their output when they fail.</summary>
internal static class Shell
{
    /// <summary>Runs a bash command line with extra environment variables; returns stdout. Non-zero exit fails the test.</summary>
    public static async Task<string> RunAsync(string command, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, CancellationToken cancellation = default)
    {
        if (!cancellation.CanBeCanceled)
        {
            cancellation = TestContext.Current.CancellationToken;
        }

        var info = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? BuildPaths.Root,
        };
        info.ArgumentList.Add("-euo");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        // A timed-out test must not leave a build running behind it.
        using var kill = cancellation.Register(() => process.Kill(entireProcessTree: true));
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        var (stdout, stderr) = (await output, await error);
        Assert.True(process.ExitCode == 0, new StringBuilder()
            .AppendLine($"`{command}` exited {process.ExitCode}")
            // stderr first: it holds the reason, and CI repeats only a failure's first lines.
            .AppendLine("--- stderr ---").AppendLine(Tail(stderr))
            .AppendLine("--- stdout ---").AppendLine(Tail(stdout))
            .ToString());
        return stdout;
    }

    /// <summary>Quotes a string for bash.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
