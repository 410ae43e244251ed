using System.CommandLine;
using System.CommandLine.Parsing;
using CorralOS.Cli.Applets;

namespace CorralOS.Cli.SystemDocker;

/// <summary>
/// The docker CLI stops reading its own options at `run IMAGE` and `exec CONTAINER`: what follows is the
/// container's command line (`run busybox sh -c 'exit 3'`, `-c` is not run's). System.CommandLine reads options
/// anywhere, so a `--` is put right after that argument before parsing. Usage errors exit as docker's do.
/// </summary>
internal static class CommandLineShape
{
    private static readonly string[] s_commandTaking = ["run", "exec"];

    public static string[] Normalize(string[] args)
    {
        var root = new Command("system-docker");
        root.Options.Add(DockerContext.HostOption);
        foreach (var command in SystemDockerApplet.Commands())
        {
            root.Subcommands.Add(command);
        }
        var index = SkipOptions(root, args, 0);
        if (index >= args.Length || !s_commandTaking.Contains(args[index]))
        {
            return args;
        }
        var subcommand = root.Subcommands.First(c => c.Name == args[index]);
        var positional = SkipOptions(subcommand, args, index + 1);
        if (positional >= args.Length - 1 || args[positional] == "--")
        {
            return args;
        }
        return [.. args[..(positional + 1)], "--", .. args[(positional + 1)..]];
    }

    /// <summary>Docker's exits for a bad command line: 125 for an unknown or malformed flag, 1 for missing arguments.</summary>
    public static int UsageExitCode(ParseError error) =>
        error.Message.Contains("Unrecognized", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("unknown flag", StringComparison.Ordinal)
            || error.Message.Contains("option", StringComparison.OrdinalIgnoreCase) ? 125 : 1;

    /// <summary>
    /// An unknown flag where a name is expected (`rm --bogus x`) would otherwise be taken as the name; it is
    /// "unknown flag: --bogus" instead, as docker says.
    /// </summary>
    public static T NoFlags<T>(T argument)
        where T : Argument
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.Length > 1 && t.Value.StartsWith('-')) is { } flag)
            {
                result.AddError($"unknown flag: {flag.Value}");
            }
        });
        return argument;
    }

    // The index of the first argument that is not an option (or an option's value) of `command`.
    private static int SkipOptions(Command command, string[] args, int index)
    {
        var options = command.Options.Concat(DockerContext.HostOption is var host ? [host] : []).ToList();
        while (index < args.Length)
        {
            var token = args[index];
            if (token == "--" || !token.StartsWith('-') || token == "-")
            {
                return index;
            }
            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                index += token.Contains('=', StringComparison.Ordinal) || !TakesValue(options, token) ? 1 : 2;
                continue;
            }
            // A short cluster: -it, -dit, -eFOO=bar, -e FOO=bar.
            var next = index + 1;
            for (var i = 1; i < token.Length; i++)
            {
                if (TakesValue(options, "-" + token[i]))
                {
                    if (i == token.Length - 1)
                    {
                        next = index + 2;
                    }
                    break;
                }
            }
            index = next;
        }
        return index;
    }

    private static bool TakesValue(List<Option> options, string name) =>
        options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name)) is { } option && option.ValueType != typeof(bool);
}
