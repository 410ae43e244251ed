using CorralOS.Config;
using CorralOS.Console.CloudInit;

namespace CorralOS.Console;

/// <summary>
/// `ros console-init`, the console container's command (reference §1.9), up to the point where it hands over to
/// respawn: every step runs in order, and a failing step is logged and skipped so that the gettys and sshd still
/// come up. docs/console.md lists the steps and the files each writes.
/// </summary>
public static class ConsoleInit
{
    /// <summary>
    /// Runs steps 0 to 10; returns every problem (they were also logged). With <paramref name="laterHostKeys"/>, the
    /// slow host key types that are missing are put there for <see cref="SshHostKeys.GenerateLater"/> instead of made now.
    /// </summary>
    public static IReadOnlyList<string> Prepare(ConsoleOptions options, ICollection<string>? laterHostKeys = null)
    {
        var problems = new List<string>();
        void Step(string name, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException
                or InvalidOperationException or ConfigValidationException or System.ComponentModel.Win32Exception)
            {
                Report($"{name}: {e.Message}");
            }
        }
        void Report(string problem)
        {
            problems.Add(problem);
            options.Log.WriteLine($"console-init: {problem}");
        }

        if (options.QuietKernelConsole)
        {
            Step("dmesg", () => ProgramRunner.Run([options.Busybox, "dmesg", "-n", "1"]));
        }
        Step("applet links", () => AppletLinks.Ensure(options));
        var users = new UserDatabase(options.Etc);
        Step("homes", () => HomeDirectories.Create(options, users));

        var loaded = new ConfigLoader(options.Config).Load();
        var cmdline = ConsoleCmdline.Read(options.Cmdline);
        Step("rancher.password", () =>
        {
            if (RancherPassword.Apply(cmdline, loaded.Tree, users))
            {
                options.Log.WriteLine("console-init: rancher's password set from rancher.password");
            }
        });
        Step("ssh host keys", () =>
        {
            var generated = SshHostKeys.Apply(options, loaded.Tree, laterHostKeys);
            if (generated.Count > 0)
            {
                var later = laterHostKeys is { Count: > 0 } ? $"; {string.Join(", ", laterHostKeys)} follow once sshd runs" : "";
                options.Log.WriteLine($"console-init: generated SSH host keys ({string.Join(", ", generated)}) and saved them to rancher.ssh.keys{later}");
            }
        });
        Step("respawn.conf", () => FileModes.WriteAtomically(options.RespawnConf, RespawnConf.Render(options, cmdline, loaded.Tree)));
        Step("sshd_config", () => SshdConfig.Write(options, loaded.Tree));
        Step("issue", () => FileModes.WriteAtomically(Path.Combine(options.Etc, "issue"), IssueFile.Render(options.Version, IssueFile.CurrentAddresses())));
        Step("os-release", () => OsRelease.Write(options));
        Step("profile.d", () => ProfileScripts.Write(options, loaded.Tree));
        Step("cloud-config", () =>
        {
            foreach (var problem in ConsoleCloudInit.Apply(options, loaded.Model))
            {
                Report(problem);
            }
        });
        Step("start scripts", () =>
        {
            foreach (var problem in StartScripts.Run(options))
            {
                Report(problem);
            }
        });
        return problems;
    }
}
