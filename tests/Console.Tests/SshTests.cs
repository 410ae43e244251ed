using System.Diagnostics;
using CorralOS.Testing;

namespace CorralOS.Console.Tests;

public sealed class SshTests
{
    [Fact]
    public void HostKeysAreGeneratedOnceSavedInConfigAndReusedWhenTheConsoleIsRebuilt()
    {
        using var tree = new ConsoleTree();
        tree.Prepare();
        var first = SshHostKeys.Types.ToDictionary(t => t, t => tree.Read($"etc/ssh/ssh_host_{t}_key"));
        foreach (var type in SshHostKeys.Types)
        {
            Assert.Equal(CloudConfigTests.FileModesForTest("600"), tree.Mode($"etc/ssh/ssh_host_{type}_key"));
            // The real ssh-keygen reads the pair back: a valid key of the right type.
            Assert.Contains($"({type.ToUpperInvariant()})", ConsoleTree.Run("ssh-keygen", "-l", "-f", tree.Path($"etc/ssh/ssh_host_{type}_key.pub")), StringComparison.Ordinal);
        }
        Assert.False(File.Exists(tree.Path("etc/ssh/ssh_host_dsa_key")));
        var saved = tree.Read("var/lib/rancher/conf/cloud-config.yml");
        Assert.Contains("ed25519-pub:", saved, StringComparison.Ordinal);
        Assert.Contains("OPENSSH PRIVATE KEY", saved, StringComparison.Ordinal);

        // A rebuilt console starts without the files: they come back from the config, unchanged.
        foreach (var type in SshHostKeys.Types)
        {
            File.Delete(tree.Path($"etc/ssh/ssh_host_{type}_key"));
            File.Delete(tree.Path($"etc/ssh/ssh_host_{type}_key.pub"));
        }
        tree.Log.GetStringBuilder().Clear();
        tree.Prepare();
        foreach (var type in SshHostKeys.Types)
        {
            Assert.Equal(first[type], tree.Read($"etc/ssh/ssh_host_{type}_key"));
        }
        Assert.DoesNotContain("generated SSH host keys", tree.Log.ToString(), StringComparison.Ordinal);
        Assert.Equal(saved, tree.Read("var/lib/rancher/conf/cloud-config.yml"));
    }

    [Fact]
    public void SshdConfigHasNoDuplicateLinesAfterTwoRuns()
    {
        using var tree = new ConsoleTree(cloudConfig: """
            rancher:
              ssh:
                port: 2222
                listen_address: 127.0.0.1
            """);
        tree.Prepare();
        tree.Prepare();
        var lines = tree.Read("etc/ssh/sshd_config").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Length, lines.Distinct().Count());
        Assert.Single(lines, l => l.StartsWith("Port", StringComparison.Ordinal));
        Assert.Contains("Port 2222", lines);
        Assert.Single(lines, l => l.StartsWith("ListenAddress", StringComparison.Ordinal));
        Assert.Contains("ListenAddress 127.0.0.1", lines);
        Assert.Contains("AllowGroups docker", lines);

        // Without a template, the current file is the base and still does not grow.
        File.Delete(tree.Path("etc/ssh/sshd_config.tpl"));
        var before = tree.Read("etc/ssh/sshd_config");
        tree.Prepare();
        Assert.Equal(before, tree.Read("etc/ssh/sshd_config"));
    }

    /// <summary>
    /// The best proof: the real sshd, started from the rendered sshd_config and the persisted host key, accepts a key
    /// login by the real ssh client as rancher. sshd looks users up in /etc/passwd, so it runs in a private mount
    /// namespace where the tree's /etc/passwd, group, shadow, /home and /run are bound over the host's.
    /// </summary>
    [Fact]
    public async Task RealSshdAcceptsAKeyLoginWithTheRenderedConfig()
    {
        Assert.True(File.Exists("/usr/sbin/sshd"), "openssh-server is needed (build/install-deps.sh installs it)");
        var port = FreePorts.Next();
        using var tree = new ConsoleTree();
        var clientKey = tree.Path("client_key");
        ConsoleTree.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey);
        tree.Write("var/lib/rancher/conf/cloud-config.yml", $"""
            ssh_authorized_keys:
              - {File.ReadAllText(clientKey + ".pub").Trim()}
            rancher:
              ssh:
                port: {port}
                listen_address: 127.0.0.1
            """);
        var problems = tree.Prepare();
        Assert.Empty(problems);
        var hostPublicKey = tree.Read("etc/ssh/ssh_host_ed25519_key.pub").Trim();
        tree.Write("known_hosts", $"[127.0.0.1]:{port} {hostPublicKey}\n");

        var binds = string.Join("; ", new[] { "etc/passwd", "etc/group", "etc/shadow", "home", "run" }
            .Select(p => $"mount --bind {tree.Path(p)} /{p}"));
        var hostKeys = string.Join(' ', SshHostKeys.Types.Select(t => $"-h {tree.Path($"etc/ssh/ssh_host_{t}_key")}"));
        var script = $"mount --make-rprivate /; {binds}; exec /usr/sbin/sshd -D -e -f {tree.Path("etc/ssh/sshd_config")} {hostKeys}";
        var start = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--mount", "--", "/bin/sh", "-c", script })
        {
            start.ArgumentList.Add(argument);
        }
        using var sshd = Process.Start(start)!;
        var sshdLog = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource();
        sshd.ErrorDataReceived += (_, e) =>
        {
            lock (sshdLog)
            {
                sshdLog.AppendLine(e.Data);
            }
            if (e.Data?.Contains("Server listening on 127.0.0.1", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        sshd.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(listening.Task, sshd.WaitForExitAsync(TestContext.Current.CancellationToken));
            Assert.True(listening.Task.IsCompleted, $"sshd did not start: {sshdLog}");

            var output = ConsoleTree.Run("ssh", "-i", clientKey, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={tree.Path("known_hosts")}",
                "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=30",
                "rancher@127.0.0.1", "id -un; echo $HOME");
            Assert.Equal("rancher\n/home/rancher\n", output);
        }
        finally
        {
            sshd.Kill(entireProcessTree: true);
            await sshd.WaitForExitAsync(CancellationToken.None);
        }
    }
}
