using CorralOS.Services;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `ros console list / switch / enable` (reference §2.1, §6.1): the default console and the catalog's persistent
/// ones. switch hands the replacement of the running console to a one-off system container
/// (<see cref="SwitchConsoleApplet"/>), since stopping the console ends every process in it, this one included.
/// </summary>
internal static class ConsoleApplet
{
    public static SwitchableApplet Commands { get; } = new(
        SwitchableService.Console,
        "List, switch and enable consoles (default, debian)",
        "Replace the running console by another now (and at every boot): the current console container is destroyed and you are logged out",
        ["destroy the current console container", "log you out"],
        async (ctx, engine, console, cancellationToken) =>
        {
            await SwitchConsoleApplet.LaunchAsync(engine, console, cancellationToken);
            ctx.Output.WriteLine($"switching to console {console}; this session ends now");
            return 0;
        });

    public static Applet Create() => Commands.Create();
}
