using System.CommandLine;
using CorralOS.Init;
using CorralOS.Linux;

namespace CorralOS.Cli.Applets;

/// <summary>`init`: PID 1. The kernel starts it as /init with the parameters after "--" as arguments.</summary>
internal static class InitApplet
{
    public static Applet Create() => new("init", "PID 1: boot CorralOS (started by the kernel as /init)", command =>
    {
        var parameters = new Argument<string[]>("parameters")
        {
            Description = "Kernel parameters passed to init (rancher.* and cc.* are read as configuration)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        command.Arguments.Add(parameters);
        // The kernel may hand init anything after "--"; nothing it passes may stop the boot.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            if (Processes.CurrentId != 1)
            {
                throw new InvalidOperationException("init must run as PID 1 (the kernel starts it as /init)");
            }
            var arguments = parse.GetValue(parameters) ?? [];
            var context = new BootContext(ProductVersion.Value, arguments.Concat(parse.UnmatchedTokens).ToArray());
            return new InitProcess(BootConsole.OnStandardOutput(), context).RunAsync().GetAwaiter().GetResult();
        });
    });
}
