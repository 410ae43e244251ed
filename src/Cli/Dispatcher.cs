using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using CorralOS.Cli.Applets;

namespace CorralOS.Cli;

/// <summary>
/// Picks the applet from argv[0] (/init, /sbin/poweroff -> ros) or, when called as `ros`, from the
/// first argument (`ros poweroff`), and runs it. Every error ends as one line on stderr and a non-zero exit.
/// </summary>
internal static class Dispatcher
{
    public const string CliName = "ros";

    public static IReadOnlyList<Applet> Applets { get; } =
    [
        InitApplet.Create(),
        PowerApplets.Create("poweroff", Linux.PowerAction.PowerOff),
        PowerApplets.Create("reboot", Linux.PowerAction.Reboot),
        PowerApplets.Create("halt", Linux.PowerAction.Halt),
        PowerApplets.CreateShutdown(),
        ModprobeApplet.Create(),
        ConfigApplet.Create() with { OwnName = false },
        ServiceApplet.Create(),
        ConsoleApplet.Create(),
        EngineApplet.Create(),
        SwitchConsoleApplet.Create(),
        OsCommand.Create(),
        TlsCommand.Create(),
        InstallApplet.Create(),
        SystemDockerdApplet.Create(),
        SystemDockerApplet.Create(),
        CloudInitSaveApplet.Create(),
        NetconfApplet.Create(),
        NtpApplet.Create(),
        ConsoleInitApplet.Create(),
        RespawnApplet.Create(),
        AutologinApplet.Create(),
        CloudInitExecuteApplet.Create(),
        EntrypointApplet.Create(),
        UserDockerApplet.Create(),
        UserPodmanApplet.Create(),
        WaitForDockerApplet.Create(),
        PreloadImagesApplet.Create(),
    ];

    public static int Run(string argv0, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= System.Console.Out;
        error ??= System.Console.Error;
        var invokedAs = Path.GetFileName(argv0);
        var applet = Find(invokedAs);
        if (applet is not null)
        {
            return Invoke(BuildStandalone(applet), applet.Name, applet.NormalizeArguments?.Invoke(args) ?? args, output, error, applet);
        }
        // `ros APPLET ARGS...`: the applet's own rewriting applies to what follows its name.
        var named = args.Length > 0 ? Applets.FirstOrDefault(a => a.Name == args[0]) : null;
        if (named?.NormalizeArguments is { } normalize)
        {
            args = [args[0], .. normalize(args[1..])];
        }
        return Invoke(BuildRos(), CliName, args, output, error, named);
    }

    /// <summary>The applet argv[0] selects; `ros`-only commands never match a program name.</summary>
    public static Applet? Find(string name) => Applets.FirstOrDefault(a => a.Name == name && a.OwnName);

    /// <summary>`ros`: every applet is also a subcommand.</summary>
    public static Command BuildRos()
    {
        var root = CreateRoot(CliName, "ros: the CorralOS command line. Every applet below also runs under its own name (symlink to ros).");
        var listApplets = new Option<bool>("--list-applets") { Description = "Print the names this binary answers to, one a line", Hidden = true };
        root.Options.Add(listApplets);
        root.SetAction(parse =>
        {
            if (parse.GetValue(listApplets))
            {
                foreach (var applet in Applets.Where(a => a.OwnName))
                {
                    parse.InvocationConfiguration.Output.WriteLine(applet.Name);
                }
                return 0;
            }
            parse.InvocationConfiguration.Error.WriteLine("ros: a command is required; see 'ros --help'");
            return 2;
        });
        foreach (var applet in Applets)
        {
            var command = new Command(applet.Name, applet.Summary);
            command.Options.Add(new VersionOption { Action = new PrintVersion() });
            applet.Configure(command);
            root.Subcommands.Add(command);
        }
        return root;
    }

    private static Command BuildStandalone(Applet applet)
    {
        var root = CreateRoot(applet.Name, applet.Summary);
        applet.Configure(root);
        return root;
    }

    // A plain Command rather than RootCommand: its name (shown in usage) is the applet's, not the host process's.
    private static Command CreateRoot(string name, string description)
    {
        var root = new Command(name, description);
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption { Action = new PrintVersion() });
        return root;
    }

    private static int Invoke(Command root, string name, string[] args, TextWriter output, TextWriter error, Applet? applet)
    {
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        // --help and --version win over errors elsewhere on the line, as users expect.
        if (parse.Errors.Count > 0 && parse.Action is not (HelpAction or PrintVersion))
        {
            error.WriteLine($"{name}: {parse.Errors[0].Message} (see '{name} --help')");
            return applet?.UsageExitCode?.Invoke(parse.Errors[0]) ?? 2;
        }
        try
        {
            return parse.Invoke(configuration);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            error.WriteLine($"{name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>`--version`: the CorralOS version, for every applet alike.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"CorralOS {ProductVersion.Value}");
            return 0;
        }
    }
}
