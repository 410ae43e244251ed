using System.CommandLine;

namespace CorralOS.Cli;

/// <summary>One name the multi-call binary answers to, and how to build its command line.</summary>
/// <param name="Name">The argv[0] (or first argument) that selects it.</param>
/// <param name="Summary">One line for `ros --help`.</param>
/// <param name="Configure">Adds options, arguments and the action to the applet's command.</param>
internal sealed record Applet(string Name, string Summary, Action<Command> Configure);
