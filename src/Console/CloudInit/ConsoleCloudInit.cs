using CorralOS.Config.Model;

namespace CorralOS.Console.CloudInit;

/// <summary>
/// The console part of cloud-init-execute, in RancherOS's order: ssh_authorized_keys for rancher and docker,
/// write_files for the console, users, runcmd. (mounts are applied by PID 1's disk-mounts phase.) Problems are
/// returned, one line each; nothing here stops the console from starting.
/// </summary>
public static class ConsoleCloudInit
{
    public static IReadOnlyList<string> Apply(ConsoleOptions options, CloudConfig config)
    {
        var errors = new List<string>();
        var users = new UserDatabase(options.Etc);
        void Step(string what, Func<IReadOnlyList<string>> step)
        {
            try
            {
                errors.AddRange(step());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
            {
                errors.Add($"{what}: {e.Message}");
            }
        }

        Step("ssh_authorized_keys", () =>
        {
            foreach (var (name, id) in HomeDirectories.ConsoleUsers)
            {
                var user = users.Find(name);
                AuthorizedKeys.Append(Path.Combine(options.Home, name), user?.Uid ?? id, user?.Gid ?? id, config.SshAuthorizedKeys ?? []);
            }
            return [];
        });
        Step("write_files", () => WriteFiles.Apply(options, users, config.WriteFiles ?? []));
        Step("users", () => CloudUsers.Apply(options, users, config.Users ?? []));
        Step("runcmd", () => RunCommands.Apply(options, config.Runcmd ?? []));
        return errors;
    }
}
