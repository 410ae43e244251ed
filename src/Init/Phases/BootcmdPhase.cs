using System.Diagnostics;
using System.Globalization;
using CorralOS.Config;

namespace CorralOS.Init.Phases;

/// <summary>
/// cloud-config `bootcmd`: early commands, run by PID 1 on the host at every boot, once the state disk and the config
/// drive are in and before the cloud-config mounts, sysctl and the services (RancherOS ran them in its bootstrap
/// container before it looked for the state disk, and only when the first try to mount it failed). Each item in order,
/// each waited for: a string runs with /bin/sh -c, a list runs as is, an empty one is skipped. A failing item is
/// reported and the next still runs.
/// </summary>
public sealed class BootcmdPhase : IBootPhase
{
    private readonly string _shell;

    public BootcmdPhase(string shell = "/bin/sh") => _shell = shell;

    public string Name => "bootcmd";

    public bool Required => false;

    public string Run(BootContext context)
    {
        if (ConfigTree.Get(context.Config, "bootcmd") is not IEnumerable<object?> items)
        {
            return "none configured";
        }
        var ran = 0;
        var failed = new List<string>();
        var index = 0;
        foreach (var item in items)
        {
            var arguments = item switch
            {
                string command when command.Trim().Length == 0 => [],
                string command => [_shell, "-c", command],
                IEnumerable<object?> list => list.Select(w => Convert.ToString(w, CultureInfo.InvariantCulture) ?? "").ToList(),
                _ => (List<string>?)null,
            };
            if (arguments is null)
            {
                failed.Add($"bootcmd[{index}]: neither a string nor a list");
            }
            else if (arguments.Count > 0)
            {
                ran++;
                try
                {
                    var exit = RunToEnd(arguments);
                    if (exit != 0)
                    {
                        failed.Add($"bootcmd[{index}] exited with {exit}");
                    }
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    failed.Add($"bootcmd[{index}]: {e.Message}");
                }
            }
            index++;
        }
        if (failed.Count > 0)
        {
            throw new IOException($"{ran} run, but: {string.Join("; ", failed)}");
        }
        return $"{ran} run";
    }

    private static int RunToEnd(List<string> arguments)
    {
        var info = new ProcessStartInfo(arguments[0]) { UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in arguments.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{arguments[0]} did not start");
        process.WaitForExit();
        return process.ExitCode;
    }
}
