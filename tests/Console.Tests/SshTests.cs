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

    [Fact]
    public async Task A_missing_RSA_key_is_left_for_later_and_made_saved_and_offered_by_the_running_sshd_afterwards()
    {
        using var tree = new ConsoleTree();
        // An RSA key in the tree that the config does not hold (another install's, or an earlier console's): not served.
        tree.Write("etc/ssh/ssh_host_rsa_key", "stale");
        var port = FreePorts.Next();
        tree.Write("var/lib/rancher/conf/cloud-config.yml", $"rancher:\n  ssh:\n    port: {port}\n    listen_address: 127.0.0.1\n");
        var later = new List<string>();
        Assert.Empty(ConsoleInit.Prepare(tree.Options, later));
        Assert.Equal(["rsa"], later);
        Assert.False(File.Exists(tree.Path("etc/ssh/ssh_host_rsa_key")));
        Assert.True(File.Exists(tree.Path("etc/ssh/ssh_host_ed25519_key")));
        Assert.DoesNotContain("rsa-pub:", tree.Read("var/lib/rancher/conf/cloud-config.yml"), StringComparison.Ordinal);
        Assert.Contains("generated SSH host keys (ecdsa, ed25519) and saved them to rancher.ssh.keys; rsa follow once sshd runs", tree.Log.ToString(), StringComparison.Ordinal);

        // sshd answers with the keys it has, then offers RSA once it is made, without a restart.
        await using var sshd = await RealSshd.StartAsync(tree, port);
        Assert.Equal("", KeyScan(port, "rsa"));
        Assert.Contains("ssh-ed25519", KeyScan(port, "ed25519"), StringComparison.Ordinal);
        await SshHostKeys.GenerateLater(tree.Options, later);
        Assert.Contains("(RSA)", ConsoleTree.Run("ssh-keygen", "-l", "-f", tree.Path("etc/ssh/ssh_host_rsa_key.pub")), StringComparison.Ordinal);
        Assert.Contains("rsa-pub:", tree.Read("var/lib/rancher/conf/cloud-config.yml"), StringComparison.Ordinal);
        var offered = "";
        for (var attempt = 0; attempt < 50 && offered.Length == 0; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            offered = KeyScan(port, "rsa");
        }
        Assert.Contains(tree.Read("etc/ssh/ssh_host_rsa_key.pub").Split(' ')[1], offered, StringComparison.Ordinal);

        // The next console (rebuilt at every boot) has all three from the config at once.
        var next = new List<string>();
        ConsoleInit.Prepare(tree.Options, next);
        Assert.Empty(next);
        Assert.Contains("(RSA)", ConsoleTree.Run("ssh-keygen", "-l", "-f", tree.Path("etc/ssh/ssh_host_rsa_key.pub")), StringComparison.Ordinal);
    }

    // The host key of one type that sshd on 127.0.0.1:port offers; empty when it offers none of that type.
    private static string KeyScan(int port, string type)
    {
        var start = new ProcessStartInfo("ssh-keyscan") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-T", "5", "-t", type, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }

    /// <summary>
    /// The best proof: the real sshd, started from the rendered sshd_config and the persisted host key, accepts a key
    /// login by the real ssh client as rancher (<see cref="RealSshd"/>).
    /// </summary>
    [Fact]
    public async Task RealSshdAcceptsAKeyLoginWithTheRenderedConfig()
    {
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

        await using var sshd = await RealSshd.StartAsync(tree, port);
        var output = ConsoleTree.Run("ssh", "-i", clientKey, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={tree.Path("known_hosts")}",
            "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=30",
            "rancher@127.0.0.1", "id -un; echo $HOME");
        Assert.Equal("rancher\n/home/rancher\n", output);
    }
}
