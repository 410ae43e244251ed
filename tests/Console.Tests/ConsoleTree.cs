using System.Diagnostics;

// The tests check Linux modes, owners and processes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace CorralOS.Console.Tests;

/// <summary>
/// A throwaway console container tree: /etc with passwd, group, shadow and an sshd_config.tpl like the image's,
/// /dev with tty1 and tty2, /proc/cmdline, and the config directory. Options point every path into it.
/// </summary>
public sealed class ConsoleTree : IDisposable
{
    public const string Template = """
        # sshd_config.tpl as the console image ships it
        Port 22
        ListenAddress 0.0.0.0
        PermitRootLogin no
        PasswordAuthentication no
        UsePAM no
        AllowGroups docker
        """;

    public ConsoleTree(string cmdline = "", string cloudConfig = "")
    {
        Root = Directory.CreateTempSubdirectory("corralos-console-").FullName;
        // Other users must reach the homes inside (sshd drops to rancher) and StrictModes wants no group/other write.
        File.SetUnixFileMode(Root, (UnixFileMode)Convert.ToInt32("755", 8));
        Write("etc/passwd", """
            root:x:0:0:root:/root:/bin/sh
            rancher:x:1100:1100::/home/rancher:/bin/sh
            docker:x:1101:1101::/home/docker:/bin/sh
            sshd:x:100:65534::/run/sshd:/usr/sbin/nologin

            """);
        Write("etc/group", """
            root:x:0:
            sudo:x:27:rancher,docker
            rancher:x:1100:
            docker:x:1101:rancher
            nogroup:x:65534:

            """);
        Write("etc/shadow", """
            root:!:19000:0:99999:7:::
            rancher:*:19000:0:99999:7:::
            docker:*:19000:0:99999:7:::
            sshd:!:19000::::::

            """);
        File.SetUnixFileMode(System.IO.Path.Combine(Root, "etc/shadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Write("etc/ssh/sshd_config.tpl", Template + "\n");
        Write("dev/tty1", "");
        Write("dev/tty2", "");
        Write("proc/cmdline", cmdline + "\n");
        if (cloudConfig.Length > 0)
        {
            Write("var/lib/rancher/conf/cloud-config.yml", cloudConfig);
        }
        Options = ConsoleOptions.Under(Root) with { QuietKernelConsole = false, Version = "0.0-test", Log = Log };
    }

    public string Root { get; }

    public StringWriter Log { get; } = new();

    public ConsoleOptions Options { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public string Read(string relative) => File.ReadAllText(Path(relative));

    public void Write(string relative, string text)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public IReadOnlyList<string> Prepare() => ConsoleInit.Prepare(Options);

    /// <summary>uid:gid of a file, as stat prints them.</summary>
    public string Owner(string relative) => Run("stat", "-c", "%u:%g", Path(relative)).Trim();

    public UnixFileMode Mode(string relative) => File.GetUnixFileMode(Path(relative));

    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
        return output;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
