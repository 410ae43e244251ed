using System.CommandLine;
using CorralOS.Config;
using CorralOS.Docker;
using CorralOS.Docker.Tls;

namespace CorralOS.Cli.Applets;

/// <summary>
/// `user-docker`: the docker system container's command (docs/user-docker.md). Shares the image's docker CLI with the
/// console, writes the TLS files when rancher.docker.tls is on (<see cref="UserDockerTls"/>), then replaces itself with
/// dockerd configured from rancher.docker, logging to /var/log/docker.log.
/// --print shows the command line and the variables it adds instead.
/// </summary>
internal static class UserDockerApplet
{
    public static Applet Create() => new("user-docker", "Run User Docker's dockerd with the settings from rancher.docker", command =>
    {
        var print = new Option<bool>("--print") { Description = "Print dockerd's command line (one argument a line) and exit" };
        var root = ConfigRoot.Option();
        command.Options.Add(print);
        command.Options.Add(root);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("user-docker runs on Linux only");
            }
            var paths = ConfigRoot.Paths(parse.GetValue(root));
            var config = new ConfigLoader(paths).Load().ModelOf("rancher.docker").Rancher?.Docker;
            var launch = new UserDockerLaunch();
            var current = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
            var (line, environment) = launch.Plan(config, current);
            if (parse.GetValue(print))
            {
                foreach (var argument in line)
                {
                    parse.InvocationConfiguration.Output.WriteLine(argument);
                }
                foreach (var (name, value) in environment.Where(e => current.GetValueOrDefault(e.Key) != e.Value))
                {
                    parse.InvocationConfiguration.Output.WriteLine($"env {name}={value}");
                }
                return 0;
            }
            try
            {
                EngineCliShare.Share(launch.Cli, launch.CliShare);
                if (config?.Tls == true)
                {
                    foreach (var done in new UserDockerTls(paths).Prepare(config, MachineNames.Current))
                    {
                        parse.InvocationConfiguration.Error.WriteLine($"user-docker: tls: {done}");
                    }
                }
                Linux.ProcessImage.Replace(line[0], line, environment, launch.LogFile);
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"user-docker: {e.Message}");
            }
            return 1;
        });
    });
}
