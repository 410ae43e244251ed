using System.Diagnostics;

namespace CorralOS.Init;

/// <summary>Runs a program PID 1 needs (mkfs, mount) to completion with an argument list, never a shell.</summary>
public static class ExternalCommand
{
    /// <summary>Throws <see cref="IOException"/> "<paramref name="what"/> failed: its last line of output" on a non-zero exit.</summary>
    public static void Run(string program, IReadOnlyList<string> arguments, string what)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new IOException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var reason = (error + output.Result).Trim().Split('\n').LastOrDefault(l => l.Length > 0) ?? $"exit code {process.ExitCode}";
            throw new IOException($"{what} failed: {reason}");
        }
    }
}
