namespace CorralOS.Console;

/// <summary>
/// Step 10: the user's start scripts, each only if it is executable, each waited for: the `#!` user-data script
/// (/var/lib/rancher/conf/cloud-config-script), /opt/rancher/bin/start.sh, then /run/console-done is written
/// (preload-user-images waits for it), then /etc/rc.local. A file starting with #! is run directly, any other through /bin/sh.
/// Failures are reported, never fatal.
/// </summary>
public static class StartScripts
{
    public static IReadOnlyList<string> Run(ConsoleOptions options)
    {
        var errors = new List<string>();
        RunIfExecutable(options, options.CloudConfigScript, errors);
        RunIfExecutable(options, Path.Combine(options.Opt, "rancher", "bin", "start.sh"), errors);
        try
        {
            Directory.CreateDirectory(options.Run);
            File.WriteAllText(Path.Combine(options.Run, Linux.ConsoleDoneFile.Name), "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{Path.Combine(options.Run, Linux.ConsoleDoneFile.Name)}: {e.Message}");
        }
        RunIfExecutable(options, Path.Combine(options.Etc, "rc.local"), errors);
        return errors;
    }

    private static void RunIfExecutable(ConsoleOptions options, string script, List<string> errors)
    {
        if (!FileModes.IsExecutable(script))
        {
            return;
        }
        try
        {
            var exit = ProgramRunner.Run(HasInterpreterLine(script) ? [script] : [options.Shell, script]);
            if (exit != 0)
            {
                errors.Add($"{script} exited with {exit}");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            errors.Add($"{script}: {e.Message}");
        }
    }

    private static bool HasInterpreterLine(string script)
    {
        using var stream = File.OpenRead(script);
        Span<byte> start = stackalloc byte[2];
        return stream.Read(start) == 2 && start[0] == (byte)'#' && start[1] == (byte)'!';
    }
}
