using System.CommandLine;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.Applets;

/// <summary>`wait-for-docker [--host H] [--timeout S]`: returns once User Docker answers /_ping; exit 1 with one line when it does not in time.</summary>
internal static class WaitForDockerApplet
{
    public static Applet Create() => new("wait-for-docker", "Wait until User Docker answers on its socket", command =>
    {
        var host = HostOption.UserDocker();
        var timeout = new Option<int>("--timeout", "-t") { Description = "Seconds to wait at most", DefaultValueFactory = _ => (int)EngineWait.DefaultTimeout.TotalSeconds };
        command.Options.Add(host);
        command.Options.Add(timeout);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("wait-for-docker: --timeout must be a positive number of seconds");
                return 2;
            }
            try
            {
                await EngineWait.WaitAsync(parse.GetValue(host)!, TimeSpan.FromSeconds(seconds), cancellationToken);
                return 0;
            }
            catch (Exception e) when (e is TimeoutException or ArgumentException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"wait-for-docker: {e.Message}");
                return 1;
            }
        });
    });
}
