using System.Diagnostics;

namespace CorralOS.Init;

/// <summary>
/// A root shell on the console, started again whenever it exits, until shutdown. Stands in for the
/// console system container, which a later boot stage provides.
/// </summary>
public sealed class ConsoleShell
{
    private static readonly TimeSpan s_quickExit = TimeSpan.FromSeconds(1);
    private readonly BootConsole _console;
    private readonly string _busybox;

    public ConsoleShell(BootConsole console, string busybox = "/bin/busybox")
    {
        _console = console;
        _busybox = busybox;
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var quickExits = 0;
        while (!stopping.IsCancellationRequested)
        {
            var started = Stopwatch.StartNew();
            try
            {
                using var shell = Process.Start(CreateStartInfo()) ?? throw new InvalidOperationException("the shell did not start");
                try
                {
                    await shell.WaitForExitAsync(stopping);
                }
                catch (OperationCanceledException)
                {
                    // An interactive shell ignores SIGTERM; hang up its terminal as a modem would.
                    HangUp(shell);
                    return;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                _console.Info($"cannot start a shell: {e.Message}");
            }
            // A shell that dies at once again and again (broken tty, missing binary) must not spin the CPU.
            quickExits = started.Elapsed < s_quickExit ? quickExits + 1 : 0;
            var delay = quickExits >= 3 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(200);
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void HangUp(Process shell)
    {
        try
        {
            Linux.Processes.Kill(shell.Id, Linux.Signals.SIGHUP);
            shell.WaitForExit(TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is Linux.SystemCallException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    // setsid + cttyhack give the shell the real console tty as its controlling terminal (job control, ^C).
    private ProcessStartInfo CreateStartInfo()
    {
        var info = new ProcessStartInfo(_busybox) { UseShellExecute = false, WorkingDirectory = "/root" };
        foreach (var argument in new[] { "setsid", "cttyhack", "/bin/sh", "-l" })
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["HOME"] = "/root";
        info.Environment["PS1"] = "[\\u@\\h \\W]# ";
        if (!Directory.Exists("/root"))
        {
            info.WorkingDirectory = "/";
        }
        return info;
    }
}
