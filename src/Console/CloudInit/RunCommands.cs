namespace CorralOS.Console.CloudInit;

/// <summary>
/// runcmd: each item in order, waiting for each. A string runs with /bin/sh -c; a list runs as is (its first word
/// is the program); an empty list is skipped. A failing item is reported and the next one still runs.
/// </summary>
public static class RunCommands
{
    public static IReadOnlyList<string> Apply(ConsoleOptions options, IEnumerable<object> items)
    {
        var errors = new List<string>();
        var index = 0;
        foreach (var item in items)
        {
            var arguments = Arguments(options, item);
            if (arguments is null)
            {
                errors.Add($"runcmd[{index}]: neither a string nor a list");
            }
            else if (arguments.Count > 0)
            {
                try
                {
                    var exit = ProgramRunner.Run(arguments);
                    if (exit != 0)
                    {
                        errors.Add($"runcmd[{index}] ({string.Join(' ', arguments)}) exited with {exit}");
                    }
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or ArgumentException)
                {
                    errors.Add($"runcmd[{index}] ({string.Join(' ', arguments)}): {e.Message}");
                }
            }
            index++;
        }
        return errors;
    }

    private static List<string>? Arguments(ConsoleOptions options, object item) => item switch
    {
        string command when command.Trim().Length == 0 => [],
        string command => [options.Shell, "-c", command],
        IEnumerable<object?> list => list.Select(w => Convert.ToString(w, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList(),
        _ => null,
    };
}
