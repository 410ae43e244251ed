using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// The booted system as a user meets it (PRODUCT.md §4): PID 1 runs System Docker, the default services come up from
/// rancher.services, the serial console says `CorralOS &lt;version&gt; started` and shows a login prompt, and SSH as
/// rancher works with the key from the config drive: sudo, `ros service ps`, DHCP on eth0. One VM for the class.
/// </summary>
public sealed class ConsoleServiceBootTests(ConsoleServiceBootTests.ConsoleVm booted) : IClassFixture<ConsoleServiceBootTests.ConsoleVm>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_default_services_start_and_the_console_says_started_then_shows_a_login_prompt()
    {
        var console = SerialConsole.Clean(booted.Vm.Console.Text);
        Assert.True(new Regex(@"init: services: \d+ started, 0 failed").IsMatch(console),
            string.Join('\n', console.Split('\n').Where(l => l.Contains("FAILED", StringComparison.Ordinal) || l.StartsWith("init: services:", StringComparison.Ordinal))));
        foreach (var service in (string[])["syslog", "udev", "network", "ntp", "console"])
        {
            Assert.Contains($"init: service {service}: started", console, StringComparison.Ordinal);
        }
        Assert.Contains($"CorralOS {RepoPaths.Version} started", console, StringComparison.Ordinal);
        Assert.DoesNotContain("init: starting a shell on the console", console, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"login: "), console[console.IndexOf("started", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Ssh_as_rancher_with_the_configured_key_has_sudo_and_system_docker_services()
    {
        var id = await booted.SshAsync("id -u; id -Gn; sudo -n id -u");
        Assert.Equal(["1100", "rancher sudo docker", "0"], id.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));

        var ps = await booted.SshAsync("sudo ros service ps");
        Assert.Matches(new Regex(@"(?m)^console\s+console\s+system\s+corralos/os-console:\S+\s+Up"), ps);
        Assert.Matches(new Regex(@"(?m)^network\s+network\s+system\s+corralos/os-network:\S+\s+Up"), ps);
        Assert.Matches(new Regex(@"(?m)^all-volumes\s+.*Created"), ps);
    }

    [Fact]
    public async Task Sudo_system_docker_ps_in_the_console_lists_the_system_services()
    {
        // The native client (no docker CLI in the console), found on PATH as a link to the bind-mounted ros.
        Assert.Equal("/usr/bin/system-docker", (await booted.SshAsync("command -v system-docker")).Trim());
        var ps = await booted.SshAsync("sudo system-docker ps");
        Assert.StartsWith("CONTAINER ID   IMAGE", ps, StringComparison.Ordinal);
        foreach (var service in (string[])["console", "network", "ntp", "udev", "syslog"])
        {
            Assert.True(new Regex($@"(?m)^[0-9a-f]{{12}}\s+\S+\s+"".*""\s+.+\s+Up .*\s{service}$").IsMatch(ps), $"{service} is not listed as up:\n{ps}");
        }
        var names = await booted.SshAsync("sudo system-docker ps -a --format '{{.Names}} {{.State}}'");
        Assert.Contains("all-volumes created\n", names, StringComparison.Ordinal);
        Assert.Equal("running", (await booted.SshAsync("sudo system-docker inspect -f '{{.State.Status}}' console")).Trim());
    }

    [Fact]
    public async Task The_network_service_got_a_dhcp_lease_and_wrote_resolv_conf()
    {
        var address = await booted.SshAsync("ip -4 addr show eth0");
        Assert.Contains("inet 10.0.2.15/24", address, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"(?m)^nameserver \S+"), await booted.SshAsync("cat /etc/resolv.conf"));
    }

    [Fact]
    public async Task The_console_keeps_only_the_bind_mounted_state_and_the_host_keys_are_saved_in_config()
    {
        var keys = await booted.SshAsync("sudo ros config get rancher.ssh.keys.ed25519-pub");
        Assert.StartsWith("ssh-ed25519 ", keys.Trim(), StringComparison.Ordinal);
        var hostKey = await booted.SshAsync("cat /etc/ssh/ssh_host_ed25519_key.pub");
        Assert.Equal(keys.Trim(), hostKey.Trim());
        Assert.Equal("syslogd", (await booted.SshAsync("test -s /var/log/syslog && echo syslogd")).Trim());
    }

    /// <summary>One VM without rancher.init_shell, its SSH port forwarded, a fresh key on its config drive.</summary>
    public sealed class ConsoleVm : SshConsoleVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "console",
            Boot = BootMode.DirectKernel,
            InitShell = false,
            ExtraForwardedGuestPorts = [22],
            CloudConfig = "#cloud-config\n" + AuthorizedKeys,
        };
    }
}
