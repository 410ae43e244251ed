using CorralOS.Config.Model;

namespace CorralOS.Network.Tests;

/// <summary>rancher.ntp.servers to the chronyd command line the ntp container runs.</summary>
public sealed class NtpCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-ntp-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Configured_servers_become_server_directives_on_the_chronyd_command_line()
    {
        var line = NtpCommand.Build(new NtpConfig { Servers = ["ntp1.example.test", " 192.0.2.123 ", "pool pool.example.test iburst maxsources 2"] }, "/usr/sbin/chronyd");

        Assert.Equal(
            ["/usr/sbin/chronyd", "-d", "-u", "root",
             "server ntp1.example.test iburst", "server 192.0.2.123 iburst", "pool pool.example.test iburst maxsources 2",
             "makestep 1.0 3", "rtcsync", "cmdport 0"],
            line);
    }

    [Fact]
    public void Without_servers_the_public_pool_is_used()
    {
        var line = NtpCommand.Build(new NtpConfig { Servers = [] });

        Assert.Equal(["server 0.pool.ntp.org iburst", "server 1.pool.ntp.org iburst", "server 2.pool.ntp.org iburst", "server 3.pool.ntp.org iburst"], line.Skip(4).Take(4));
        Assert.Equal(line, NtpCommand.Build(null));
    }

    [Fact]
    public void A_server_with_a_line_break_is_an_error_naming_the_field()
    {
        var error = Assert.Throws<NetworkConfigException>(() => NtpCommand.Build(new NtpConfig { Servers = ["a\nrtcsync"] }));

        Assert.Equal("ntp: servers: 'a rtcsync' contains a line break", error.Message);
    }

    [Fact]
    public void The_ntp_applet_prints_the_command_line_built_from_the_loaded_config()
    {
        Directory.CreateDirectory(Path.Combine(_root, "var/lib/rancher/conf"));
        File.WriteAllText(Path.Combine(_root, "var/lib/rancher/conf/cloud-config.yml"), "rancher:\n  ntp:\n    servers: [time.example.test]\n");

        var result = Tool.Run(Path.Combine(AppContext.BaseDirectory, "ros"), "ntp", "--print", "--root", _root);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("chronyd\n-d\n-u\nroot\nserver time.example.test iburst\nmakestep 1.0 3\nrtcsync\ncmdport 0\n", result.Output);
    }
}
