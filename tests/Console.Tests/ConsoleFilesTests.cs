using CorralOS.Compose;

namespace CorralOS.Console.Tests;

public sealed class ConsoleFilesTests
{
    [Fact]
    public void RespawnConfForASerialConsoleWithAutologin()
    {
        using var tree = new ConsoleTree("BOOT_IMAGE=/vmlinuz console=tty1 console=ttyS0,115200n8 rancher.autologin=ttyS0 quiet");
        tree.Write("etc/respawn.conf.d/10-extra", "/usr/bin/extra --flag\n\n");
        tree.Prepare();
        Assert.Equal("""
            /bin/busybox getty 38400 tty1 linux
            /bin/busybox getty 38400 tty2 linux
            /bin/busybox getty -L -n -l /usr/bin/autologin 115200 ttyS0 vt100
            /usr/sbin/sshd -D -e
            /usr/bin/extra --flag

            """, tree.Read("etc/respawn.conf"));
    }

    [Fact]
    public void AutologinCanBeDisabledAndSshdTurnedOff()
    {
        using var tree = new ConsoleTree("console=ttyS1 console=ttyAMA0 rancher.autologin=tty1", """
            rancher:
              disable: [autologin]
              ssh:
                daemon: false
            """);
        File.Delete(tree.Path("dev/tty2"));
        tree.Prepare();
        Assert.Equal("""
            /bin/busybox getty 38400 tty1 linux
            /bin/busybox getty -L 115200 ttyS1 vt100
            /bin/busybox getty -L 115200 ttyAMA0 vt100

            """, tree.Read("etc/respawn.conf"));
    }

    [Fact]
    public void AppletLinksPointAtRosWhenMissing()
    {
        using var tree = new ConsoleTree();
        tree.Write("usr/bin/ros", "");
        tree.Write("usr/bin/respawn", "the image's own");
        Assert.Empty(tree.Prepare());
        Assert.Empty(tree.Prepare());
        Assert.Equal("ros", new FileInfo(tree.Path("usr/bin/autologin")).LinkTarget);
        Assert.Equal("ros", new FileInfo(tree.Path("usr/bin/cloud-init-execute")).LinkTarget);
        Assert.Equal("the image's own", tree.Read("usr/bin/respawn"));
    }

    [Fact]
    public void PasswordFromTheCmdlineIsASha512HashTheRealToolsAgreeWith()
    {
        using var tree = new ConsoleTree("console=ttyS0 rancher.password=s3cr3t-Pa55");
        tree.Prepare();
        var fields = tree.Read("etc/shadow").Split('\n').Single(l => l.StartsWith("rancher:", StringComparison.Ordinal)).Split(':');
        var hash = fields[1];
        Assert.StartsWith("$6$", hash, StringComparison.Ordinal);
        Assert.Equal("", fields[2]); // no ageing: login never asks for a new password
        Assert.Equal(9, fields.Length);
        var salt = hash.Split('$')[2];
        Assert.Equal(hash, ConsoleTree.Run("openssl", "passwd", "-6", "-salt", salt, "s3cr3t-Pa55").Trim());
        Assert.Equal(CloudConfigTests.FileModesForTest("600"), tree.Mode("etc/shadow"));
        Assert.Contains("root:!:19000", tree.Read("etc/shadow"), StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordIsLeftAloneWhenDisabled()
    {
        using var tree = new ConsoleTree("rancher.password=secret rancher.disable=[password]");
        tree.Prepare();
        Assert.Contains("rancher:*:19000:0:99999:7:::", tree.Read("etc/shadow"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two words", "saltsalt")]
    [InlineData("a", "x")]
    [InlineData("rancher", "0123456789abcdefXYZ")] // salts are cut at 16 characters
    [InlineData("a password longer than sixty-four bytes, which changes how the P sequence repeats", "./AZaz09")]
    public void Sha512CryptMatchesOpenssl(string password, string salt)
    {
        var expected = ConsoleTree.Run("openssl", "passwd", "-6", "-salt", salt, password).Trim();
        Assert.Equal(expected, Sha512Crypt.Hash(password, salt));
        Assert.True(Sha512Crypt.Verify(password, expected));
        Assert.False(Sha512Crypt.Verify(password + "x", expected));
    }

    [Theory]
    [InlineData("/sbin/getty 38400 tty1", new[] { "/sbin/getty", "38400", "tty1" })]
    [InlineData("  sh -c 'echo a  b' \"x \\\"y\\\"\"  ", new[] { "sh", "-c", "echo a  b", "x \"y\"" })]
    [InlineData("a\\ b c''d", new[] { "a b", "cd" })]
    public void ShellWordsSplitLikeAShell(string line, string[] expected) =>
        Assert.Equal(expected, ShellWords.Split(line));
}
