using System.Diagnostics;

namespace CorralOS.Console;

/// <summary>Runs a program to completion with the console's own stdio (never through fork from managed code).</summary>
public static class ProgramRunner
{
    /// <summary>Starts <paramref name="arguments"/>[0] with the rest as its arguments and waits; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        using var process = Start(arguments, workingDirectory);
        process.WaitForExit();
        return process.ExitCode;
    }

    public static Process Start(IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        if (arguments.Count == 0)
        {
            throw new ArgumentException("an empty command");
        }
        var start = new ProcessStartInfo(arguments[0]) { UseShellExecute = false };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"{arguments[0]} did not start");
    }

    /// <summary>Runs a program and returns its stdout; a non-zero exit throws with its stderr.</summary>
    public static string Capture(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(arguments[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{arguments[0]} did not start");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} exited with {process.ExitCode}: {error.GetAwaiter().GetResult().Trim()}");
        }
        return output;
    }
}
