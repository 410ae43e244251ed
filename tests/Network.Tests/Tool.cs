using System.Diagnostics;

namespace CorralOS.Network.Tests;

/// <summary>Runs a program to its end with ArgumentList and returns what it printed.</summary>
internal static class Tool
{
    public static ProcessResult Run(string program, params IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.Result, error);
    }

    /// <summary>Runs and throws with its stderr when it fails (lab set-up steps).</summary>
    public static string Check(string program, params IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        var result = Run(program, list);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', list)} exited with {result.ExitCode}: {result.Error.Trim()}");
        }
        return result.Output;
    }
}
