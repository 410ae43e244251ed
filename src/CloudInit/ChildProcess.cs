using System.Diagnostics;

namespace CorralOS.CloudInit;

/// <summary>What a finished child printed and returned.</summary>
public sealed record ChildResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of stderr (or stdout), for one-line messages.</summary>
    public string LastLine =>
        (Error.Trim().Length > 0 ? Error : Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}

/// <summary>Runs the helper programs cloud-init needs (dhcpcd, vmware-rpctool, sfdisk, resize2fs) with ArgumentList, bounded in time.</summary>
internal static class ChildProcess
{
    /// <summary>
    /// Runs to the end, with <paramref name="input"/> (if any) as its whole standard input; null when it has not exited
    /// within <paramref name="limit"/> (it is killed then). Throws IOException when it cannot start.
    /// </summary>
    public static async Task<ChildResult?> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan limit, CancellationToken cancellationToken, string? input = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new IOException($"{fileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"{fileName}: {e.Message}", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return null;
            }
            return new ChildResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
    }
}
