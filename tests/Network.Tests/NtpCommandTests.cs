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
             "makestep 1.0 3", "rtcsync", "cmdport 0", "pidfile /run/chrony/chronyd.pid"],
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
        Assert.Equal($"chronyd\n-d\n-u\nroot\nserver time.example.test iburst\nmakestep 1.0 3\nrtcsync\ncmdport 0\npidfile {_root}/run/chrony/chronyd.pid\n", result.Output);
    }

    [Fact]
    public void A_pidfile_left_by_a_killed_chronyd_is_removed_before_chronyd_starts()
    {
        // restart_services on ntp: the old chronyd was killed, its pidfile (in the host's /run) held the PID the new
        // chronyd gets in the new container's PID namespace, and chronyd refused to start ("Another chronyd may
        // already be running"). Here the stale file holds this test's own PID, which is alive as in that case.
        var pidFile = Path.Combine(_root, "run/chrony/chronyd.pid");
        Directory.CreateDirectory(Path.GetDirectoryName(pidFile)!);
        File.WriteAllText(pidFile, $"{Environment.ProcessId}\n");
        var check = Path.Combine(_root, "check-pidfile");
        File.WriteAllText(check, $"#!/bin/sh\ntest ! -e {pidFile}\n");
        File.SetUnixFileMode(check, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // The program in chronyd's place exits 0 only if the pidfile is gone when it starts.
        var result = Tool.Run(Path.Combine(AppContext.BaseDirectory, "ros"), "ntp", "--root", _root, "--chronyd", check);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"ntp: removed {pidFile} (pid {Environment.ProcessId}) left by a chronyd that was killed", result.Error, StringComparison.Ordinal);
    }
}
