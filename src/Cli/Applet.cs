using System.CommandLine;

namespace CorralOS.Cli;

/// <summary>One command of the multi-call binary, and how to build its command line.</summary>
/// <param name="Name">The first argument of `ros` that selects it (and the argv[0] name, for an applet with one).</param>
/// <param name="Summary">One line for `ros --help`.</param>
/// <param name="Configure">Adds options, arguments and the action to the command.</param>
/// <param name="OwnName">True when the image links this name to ros (/sbin/poweroff); false for `ros`-only commands such as `ros os`.</param>
internal sealed record Applet(string Name, string Summary, Action<Command> Configure, bool OwnName = true)
{
    /// <summary>Rewrites the applet's arguments before parsing (system-docker: `--` after `run IMAGE`); null for none.</summary>
    public Func<string[], string[]>? NormalizeArguments { get; init; }

    /// <summary>The exit code for a command line that does not parse; null for the usual 2.</summary>
    public Func<System.CommandLine.Parsing.ParseError, int>? UsageExitCode { get; init; }
}
