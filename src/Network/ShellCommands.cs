namespace CorralOS.Network;

/// <summary>pre_cmds, post_cmds, pre_up and post_up: each item runs with `sh -c`; a failing command is reported as a problem, never fatal.</summary>
internal sealed class ShellCommands
{
    private readonly string _shell;
    private readonly NetconfReport _report;

    public ShellCommands(string shell, NetconfReport report)
    {
        _shell = shell;
        _report = report;
    }

    public void Run(string subject, string field, IReadOnlyList<string> commands)
    {
        for (var i = 0; i < commands.Count; i++)
        {
            try
            {
                var exit = ProcessRunner.RunInherited(_shell, ["-c", commands[i]]);
                if (exit != 0)
                {
                    _report.Problems.Add($"{subject}: {field}[{i}]: exited with {exit}");
                }
            }
            catch (IOException e)
            {
                _report.Problems.Add($"{subject}: {field}[{i}]: {e.Message}");
            }
        }
    }
}
