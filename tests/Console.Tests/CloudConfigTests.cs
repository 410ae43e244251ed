using System.IO.Compression;
using System.Text;
using CorralOS.Console.CloudInit;

namespace CorralOS.Console.Tests;

public sealed class CloudConfigTests
{
    private const string KeyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA a@test";
    private const string KeyB = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQKeyB b@test";

    [Fact]
    public void AuthorizedKeysAreAppendedOnceAcrossTwoRuns()
    {
        using var tree = new ConsoleTree(cloudConfig: $"""
            ssh_authorized_keys:
              - {KeyA}
              - {KeyB}
            """);
        tree.Write("home/rancher/.ssh/authorized_keys", "command=\"true\" " + KeyB + "\n");
        tree.Prepare();
        tree.Prepare();

        Assert.Equal($"command=\"true\" {KeyB}\n{KeyA}\n", tree.Read("home/rancher/.ssh/authorized_keys"));
        Assert.Equal($"{KeyA}\n{KeyB}\n", tree.Read("home/docker/.ssh/authorized_keys"));
        foreach (var (user, owner) in new[] { ("rancher", "1100:1100"), ("docker", "1101:1101") })
        {
            Assert.Equal((UnixFileMode)Convert.ToInt32("600", 8), tree.Mode($"home/{user}/.ssh/authorized_keys"));
            Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), tree.Mode($"home/{user}/.ssh"));
            Assert.Equal(owner, tree.Owner($"home/{user}/.ssh/authorized_keys"));
            Assert.Equal(owner, tree.Owner($"home/{user}/.ssh"));
            Assert.Equal(owner, tree.Owner($"home/{user}"));
        }
        Assert.True(File.Exists(tree.Path("run/utmp")));
        Assert.True(Directory.Exists(tree.Path("run/lock")));
    }

    [Fact]
    public void WriteFilesDecodesEveryEncodingAndSetsModeAndOwner()
    {
        var gzB64 = Convert.ToBase64String(Gzip("gzipped and base64\n"));
        using var tree = new ConsoleTree(cloudConfig: $"""
            write_files:
              - path: /etc/plain.txt
                content: plain
              - path: /opt/b64.sh
                encoding: b64
                content: {Convert.ToBase64String(Encoding.UTF8.GetBytes("#!/bin/sh\necho b64\n"))}
                permissions: "0755"
                owner: rancher:docker
              - path: /etc/gz.txt
                encoding: gz+b64
                content: {gzB64}
              - path: /etc/gzip-base64.txt
                encoding: gzip+base64
                content: {gzB64}
                owner: docker
                permissions: "0600"
              - path: /etc/bad.txt
                encoding: rot13
                content: nope
              - path: /etc/console.txt
                container: console
                content: for the console
              - path: /etc/ntp.txt
                container: ntp
                content: for ntp
            """);

        var problems = tree.Prepare();

        Assert.Equal("plain", tree.Read("etc/plain.txt"));
        Assert.Equal(FileModesForTest("644"), tree.Mode("etc/plain.txt"));
        Assert.Equal("#!/bin/sh\necho b64\n", tree.Read("opt/b64.sh"));
        Assert.Equal(FileModesForTest("755"), tree.Mode("opt/b64.sh"));
        Assert.Equal("1100:1101", tree.Owner("opt/b64.sh"));
        Assert.Equal("gzipped and base64\n", tree.Read("etc/gz.txt"));
        Assert.Equal("gzipped and base64\n", tree.Read("etc/gzip-base64.txt"));
        Assert.Equal(FileModesForTest("600"), tree.Mode("etc/gzip-base64.txt"));
        Assert.Equal("1101:1101", tree.Owner("etc/gzip-base64.txt"));
        Assert.Equal("for the console", tree.Read("etc/console.txt"));
        Assert.False(File.Exists(tree.Path("etc/ntp.txt")));
        Assert.False(File.Exists(tree.Path("etc/bad.txt")));
        var bad = Assert.Single(problems, p => p.Contains("bad.txt", StringComparison.Ordinal));
        Assert.Contains("/etc/bad.txt", bad, StringComparison.Ordinal);
        Assert.Contains("rot13", bad, StringComparison.Ordinal);
        Assert.Contains("/etc/bad.txt", tree.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RawGzipAndBadBase64()
    {
        var raw = Encoding.Latin1.GetString(Gzip("raw gzip"));
        Assert.Equal("raw gzip", Encoding.UTF8.GetString(WriteFileContent.Decode(raw, "gzip")));
        var error = Assert.Throws<FormatException>(() => WriteFileContent.Decode("not base64!", "b64"));
        Assert.Contains("base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsersAreCreatedOnceWithGroupsKeysSudoAndShell()
    {
        using var tree = new ConsoleTree(cloudConfig: $"""
            users:
              - name: alice
                groups: [docker, nosuch]
                shell: /bin/bash
                sudo: ALL=(ALL) NOPASSWD:ALL
                ssh_authorized_keys: [{KeyA}]
              - name: rancher
                lock_passwd: false
                shell: /bin/ash
            """);
        tree.Prepare();
        var problems = tree.Prepare();

        Assert.Contains("alice:x:1000:1000::/home/alice:/bin/bash\n", tree.Read("etc/passwd"), StringComparison.Ordinal);
        Assert.Single(tree.Read("etc/passwd").Split('\n'), l => l.StartsWith("alice:", StringComparison.Ordinal));
        Assert.Contains("rancher:x:1100:1100::/home/rancher:/bin/ash\n", tree.Read("etc/passwd"), StringComparison.Ordinal);
        Assert.Contains("docker:x:1101:rancher,alice\n", tree.Read("etc/group"), StringComparison.Ordinal);
        Assert.Contains("alice:x:1000:\n", tree.Read("etc/group"), StringComparison.Ordinal);
        Assert.Contains("alice:*:", tree.Read("etc/shadow"), StringComparison.Ordinal);
        Assert.Equal(KeyA + "\n", tree.Read("home/alice/.ssh/authorized_keys"));
        Assert.Equal("1000:1000", tree.Owner("home/alice/.ssh/authorized_keys"));
        Assert.Equal("alice ALL=(ALL) NOPASSWD:ALL\n", tree.Read("etc/sudoers.d/90-cloud-config-users"));
        Assert.Equal(FileModesForTest("440"), tree.Mode("etc/sudoers.d/90-cloud-config-users"));
        Assert.Contains(problems, p => p.Contains("alice", StringComparison.Ordinal) && p.Contains("nosuch", StringComparison.Ordinal));
    }

    [Fact]
    public void RuncmdAndStartScriptsRunInOrderOnlyWhenExecutable()
    {
        using var tree = new ConsoleTree();
        var log = tree.Path("order.log");
        tree.Write("var/lib/rancher/conf/cloud-config.yml", $"""
            runcmd:
              - echo runcmd-string >> {log}
              - []
              - [/bin/sh, -c, "echo runcmd-list >> {log}"]
              - [/bin/false]
              - echo still-runs >> {log}
            """);
        tree.Write("var/lib/rancher/conf/cloud-config-script", $"#!/bin/sh\necho script >> {log}\n");
        tree.Write("opt/rancher/bin/start.sh", $"echo start.sh >> {log}\n"); // no #!: run through /bin/sh
        tree.Write("etc/rc.local", $"#!/bin/sh\ntest -e {tree.Path("run/console-done")} && echo rc.local-after-console-done >> {log}\n");
        tree.Write("etc/not-run", "");
        foreach (var script in new[] { "var/lib/rancher/conf/cloud-config-script", "opt/rancher/bin/start.sh", "etc/rc.local" })
        {
            File.SetUnixFileMode(tree.Path(script), FileModesForTest("755"));
        }

        var problems = tree.Prepare();

        Assert.Equal("runcmd-string\nruncmd-list\nstill-runs\nscript\nstart.sh\nrc.local-after-console-done\n", File.ReadAllText(log));
        Assert.Contains(problems, p => p.Contains("runcmd[3]", StringComparison.Ordinal) && p.Contains("exited with 1", StringComparison.Ordinal));

        // Not executable: not run.
        File.SetUnixFileMode(tree.Path("opt/rancher/bin/start.sh"), FileModesForTest("644"));
        File.Delete(log);
        tree.Prepare();
        Assert.DoesNotContain("start.sh", File.ReadAllText(log), StringComparison.Ordinal);
    }

    [Fact]
    public void ProfileScriptsFromEnvironment()
    {
        using var tree = new ConsoleTree(cloudConfig: """
            rancher:
              environment:
                HTTP_PROXY: http://proxy:3128
                no_proxy: localhost,127.0.0.1
                PATH: /opt/bin,/usr/local/extra
            """);
        tree.Prepare();
        Assert.Equal("""
            export HTTP_PROXY=http://proxy:3128
            export http_proxy=http://proxy:3128
            export NO_PROXY=localhost,127.0.0.1
            export no_proxy=localhost,127.0.0.1

            """, tree.Read("etc/profile.d/proxy.sh"));
        Assert.Equal("export PATH=\"$PATH\":/opt/bin:/usr/local/extra\n", tree.Read("etc/profile.d/path.sh"));
        Assert.StartsWith("CorralOS 0.0-test", tree.Read("etc/issue"), StringComparison.Ordinal);
        Assert.Contains("NAME=\"CorralOS\"\n", tree.Read("etc/os-release"), StringComparison.Ordinal);
        Assert.Contains("VERSION_ID=0.0-test\n", tree.Read("etc/os-release"), StringComparison.Ordinal);
    }

    internal static UnixFileMode FileModesForTest(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }
}
