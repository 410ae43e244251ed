using System.Diagnostics;

namespace CorralOS.Install;

/// <summary>
/// Runs one of Debian's tools (sfdisk, mkfs, grub-mkimage...) to completion with an argument list, never a shell. A
/// non-zero exit is an <see cref="InstallException"/> carrying the tool's last line of output.
/// </summary>
public static class Tool
{
    public static string Run(string program, IEnumerable<string> arguments, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InstallException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InstallException($"cannot run {program}: {e.Message}");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            process.WaitForExit();
            var all = output.Result + error.Result;
            if (process.ExitCode != 0)
            {
                // The last line, after any warnings that explain it (grub-bios-setup warns first, then fails).
                var lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var reason = string.Join("; ", lines.Where(l => l.Contains("warning:", StringComparison.OrdinalIgnoreCase)).TakeLast(2).Append(lines.LastOrDefault() ?? "").Where(l => l.Length > 0));
                throw new InstallException($"{Path.GetFileName(program)} failed (exit {process.ExitCode}){(reason.Length > 0 ? ": " + reason : "")}");
            }
            return all;
        }
    }
}
