using System.CommandLine;
using CorralOS.Console;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `autologin [USER]`: what getty runs instead of a login prompt on a rancher.autologin tty (getty -n -l). Starts
/// `login -f USER` on the same terminal (no password) and returns its exit code, so respawn starts a new getty.
/// </summary>
internal static class AutologinApplet
{
    public const string DefaultUser = "rancher";

    public static Applet Create() => new("autologin", "Log a user in on this terminal without a password (getty -n -l autologin)", command =>
    {
        var user = new Argument<string>("user") { Description = "Who to log in", DefaultValueFactory = _ => DefaultUser };
        command.Arguments.Add(user);
        command.SetAction(parse =>
        {
            string[] login = File.Exists("/bin/login") ? ["/bin/login"] : ["/bin/busybox", "login"];
            return ProgramRunner.Run([.. login, "-f", parse.GetValue(user)!]);
        });
    });
}
