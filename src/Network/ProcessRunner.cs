using System.Diagnostics;

namespace CorralOS.Network;

/// <summary>What a finished child printed and returned.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of stderr (or stdout), for one-line error messages.</summary>
    public string LastLine =>
        (Error.Length > 0 ? Error : Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}

/// <summary>Runs helper programs (dhcpcd, sh) with ArgumentList, never through a shell of ours.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs to the end and captures both streams.</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments) => Run(fileName, arguments, Timeout.InfiniteTimeSpan)!;

    /// <summary>
    /// Runs to the end and captures both streams; null when it has not exited within <paramref name="limit"/> (it is
    /// then killed). For children that can wait forever on something else, such as dhcpcd's launcher on a manager that
    /// died.
    /// </summary>
    public static ProcessResult? Run(string fileName, IEnumerable<string> arguments, TimeSpan limit)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Start(info, fileName);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill();
            process.WaitForExit();
            return null;
        }
        return new ProcessResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Runs to the end with our own standard streams, so its output lands in the service's log.</summary>
    public static int RunInherited(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Start(info, fileName);
        process.WaitForExit();
        return process.ExitCode;
    }

    private static Process Start(ProcessStartInfo info, string fileName)
    {
        try
        {
            return Process.Start(info) ?? throw new IOException($"{fileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"cannot run {fileName}: {e.Message}", e);
        }
    }
}
