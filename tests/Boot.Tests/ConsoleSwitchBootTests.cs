using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// Consoles end to end (issue 7, reference §6.1; docs/console.md): one VM with a state disk and the ISO attached (it
/// carries the Debian console's image), rebooted twice. The default console loses a file under /usr at a reboot;
/// `ros console switch -f debian` stages the image from the ISO and replaces the console, whose /usr file survives a
/// reboot; `switch -f default` goes back. `ros console list` shows each state; sshd_config never has a duplicate line;
/// a user container with a restart policy keeps running through every switch and comes back after each reboot.
/// Engines (issue 7 point 2, docs/user-docker.md) in the same VM, which has what they need (state disk, ISO, User
/// Docker with a container): `ros engine switch -f podman` stages Podman's image from the ISO and replaces User Docker,
/// the console's docker CLI then talks to Podman and runs a container; `switch -f docker` finds Docker's container and
/// its named volume's data again.
/// </summary>
public sealed class ConsoleSwitchBootTests(ConsoleSwitchBootTests.ConsoleVm booted) : IClassFixture<ConsoleSwitchBootTests.ConsoleVm>
{
    private const string DefaultCurrent = "disabled debian\ncurrent default\n";
    private const string DebianCurrent = "current debian\ndisabled default\n";

    // Standard output only: without a network the catalog's default repository on GitHub is a warning on stderr.
    private const string List = "sudo ros console list 2>/dev/null";

    // Lines that appear more than once, comments and blank lines aside.
    private const string DuplicateSshdLines = "grep -v -e '^#' -e '^$' /etc/ssh/sshd_config | sort | uniq -d";

    private const string KeeperState = "for i in $(seq 1 60); do docker inspect -f '{{.State.Status}}' keeper | grep -x running && exit 0; sleep 2; done; " +
                                       "docker inspect -f '{{.State.Status}}' keeper";

    [Fact]
    [TestOrder(1)]
    public async Task The_default_console_is_current_and_loses_a_file_under_usr_at_a_reboot()
    {
        Assert.Equal(DefaultCurrent, await booted.SshAsync(List));
        var image = $"corralos/os-base:{RepoPaths.Version}";
        await booted.SshAsync($"wait-for-docker --timeout 300 && {GuestImages.ImportBase(image)} && docker run -d --restart always --name keeper {image} sleep 1000000");
        await booted.SshAsync("sudo touch /usr/lost-in-default");

        await booted.RebootAsync();

        Assert.Equal(DefaultCurrent, await booted.SshAsync(List));
        Assert.Equal("gone\n", await booted.SshAsync("test -e /usr/lost-in-default || echo gone"));
        Assert.Equal("running\n", await booted.SshAsync("wait-for-docker --timeout 300 && " + KeeperState));
    }

    [Fact]
    [TestOrder(2)]
    public async Task An_invalid_name_is_refused_and_switch_to_debian_replaces_the_console()
    {
        var refused = await booted.SshAsync("sudo ros console switch -f nope 2>/tmp/err; echo exit=$?; grep -v ^warning /tmp/err");
        Assert.Equal("exit=1\nnope is not a valid console\n", refused);
        refused = await booted.SshAsync("sudo ros console enable nope 2>/tmp/err; echo exit=$?; grep -v ^warning /tmp/err");
        Assert.Equal("exit=1\nnope is not a valid console\n", refused);

        await booted.SwitchAsync("debian", DebianCurrent);
        Assert.Equal("12", (await booted.SshAsync("cut -d. -f1 /etc/debian_version")).Trim());
        Assert.Equal("debian\n", await booted.SshAsync("sudo ros config get rancher.console"));
        Assert.Equal("root\n", await booted.SshAsync("sudo id -un"));
        Assert.Contains("install ok installed", await booted.SshAsync("dpkg -s openssh-server sudo | grep Status"), StringComparison.Ordinal);
        Assert.Equal("", await booted.SshAsync("sudo apt-get check -qq"));
        Assert.Equal("", await booted.SshAsync(DuplicateSshdLines));
        Assert.Equal("running\n", await booted.SshAsync(KeeperState));
        await booted.SshAsync("sudo touch /usr/kept-in-debian");
    }

    [Fact]
    [TestOrder(3)]
    public async Task The_debian_console_keeps_a_file_under_usr_across_a_reboot()
    {
        await booted.RebootAsync();

        Assert.Equal(DebianCurrent, await booted.SshAsync(List));
        Assert.Equal("kept\n", await booted.SshAsync("test -e /usr/kept-in-debian && echo kept"));
        Assert.Equal("", await booted.SshAsync(DuplicateSshdLines));
        Assert.Equal("running\n", await booted.SshAsync("wait-for-docker --timeout 300 && " + KeeperState));
    }

    [Fact]
    [TestOrder(4)]
    public async Task Switch_back_to_default_gives_the_default_console_again()
    {
        await booted.SwitchAsync("default", DefaultCurrent);
        Assert.Equal("gone\n", await booted.SshAsync("test -e /usr/kept-in-debian || echo gone"));
        Assert.Equal("gone\n", await booted.SshAsync("test -e /etc/debian_version || echo gone"));
        Assert.Equal("", await booted.SshAsync(DuplicateSshdLines));
        Assert.Equal("running\n", await booted.SshAsync(KeeperState));
    }

    [Fact]
    [TestOrder(5)]
    public async Task An_engine_switch_to_podman_and_back_keeps_dockers_containers_and_volumes()
    {
        const string engines = "sudo ros engine list 2>/dev/null";
        var image = $"corralos/os-base:{RepoPaths.Version}";
        await booted.SshAsync($"wait-for-docker --timeout 300 && {GuestImages.ImportBase(image)} && docker run --rm -v kept:/data {image} sh -c 'echo kept-data > /data/f' && " +
                              $"docker run -d --restart always --name holder -v kept:/data {image} sleep 1000000");
        Assert.Equal("current docker\ndisabled podman\n", await booted.SshAsync(engines));
        var refused = await booted.SshAsync("sudo ros engine switch -f nope 2>/tmp/err; echo exit=$?; grep -v ^warning /tmp/err");
        Assert.Equal("exit=1\nnope is not a valid engine\n", refused);

        var switched = await booted.SshAsync("sudo ros engine switch -f podman 2>&1 && wait-for-docker --timeout 300 && docker version --format '{{range .Server.Components}}{{.Name}};{{end}}'");
        Assert.Contains("switched to engine podman", switched, StringComparison.Ordinal);
        Assert.Contains("Podman Engine", switched, StringComparison.Ordinal);
        Assert.Equal("disabled docker\ncurrent podman\n", await booted.SshAsync(engines));
        Assert.Equal("podman\n", await booted.SshAsync("sudo ros config get rancher.docker.engine"));
        Assert.Equal("srw-rw---- root docker\n", await booted.SshAsync("stat -L -c '%A %U %G' /var/run/docker.sock"));
        // Podman has its own store: the image goes in through the docker CLI as into Docker.
        Assert.Equal("hello from podman\n", await booted.SshAsync($"{GuestImages.ImportBase(image)} && docker run --rm {image} echo hello from podman"));
        await booted.SshAsync($"docker run -d --restart always --name podkeep {image} sleep 1000001");

        var back = await booted.SshAsync("sudo ros engine switch -f docker 2>&1 && wait-for-docker --timeout 300 && docker version --format '{{range .Server.Components}}{{.Name}};{{end}}'");
        Assert.DoesNotContain("Podman", back, StringComparison.Ordinal);
        Assert.Equal("current docker\ndisabled podman\n", await booted.SshAsync(engines));
        Assert.Equal("running\n", await booted.SshAsync(KeeperState.Replace("keeper", "holder", StringComparison.Ordinal)));
        Assert.Equal("kept-data\n", await booted.SshAsync("docker exec holder cat /data/f"));
        Assert.Equal("kept\n", await booted.SshAsync("sudo test -d /var/lib/containers/storage/overlay && echo kept"));

        // Podman's container stopped with its engine; back on podman it runs again (Podman has no daemon to do it).
        Assert.Equal("stopped\n", await booted.SshAsync("ps | grep -q '[s]leep 1000001' && echo running || echo stopped"));
        await booted.SshAsync("sudo ros engine switch -f podman 2>&1 && wait-for-docker --timeout 300");
        Assert.Equal("running\n", await booted.SshAsync("docker inspect -f '{{.State.Status}}' podkeep"));
    }

    /// <summary>The VM: a blank state disk, the ISO as a second disk (the boot medium `ros console` and `ros engine` stage from).</summary>
    public sealed class ConsoleVm : SshConsoleVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "console-switch",
            // System Docker's store is in RAM (half of it): the Debian console's image, then Podman's (about 300 MB
            // unpacked, twice that while it loads) do not fit in the 1 GiB a 2 GiB machine has.
            MemoryMiB = 3072,
            Boot = BootMode.DirectKernel,
            InitShell = false,
            AllowReboot = true,
            Disks = [new BlankDisk("2G")],
            ExtraCmdline = "rancher.state.dev=LABEL=RANCHER_STATE rancher.state.autoformat=[/dev/vda]",
            ExtraArgs = ["-drive", $"file={RepoPaths.RequireFile(RepoPaths.Iso)},media=cdrom,if=virtio,readonly=on"],
            CloudConfig = "#cloud-config\n" + AuthorizedKeys,
        };

        public async Task RebootAsync()
        {
            var from = Vm.Console.Length;
            try
            {
                await SshAsync("sudo reboot");
            }
            catch (InvalidOperationException)
            {
                // The connection may drop before ssh sees the exit status.
            }
            await WaitForSshAsync(Vm, from);
        }

        /// <summary>Switches (the session ends with the old console), then waits until the new one answers with the list.</summary>
        public async Task SwitchAsync(string console, string expectedList)
        {
            try
            {
                Assert.Contains($"switching to console {console}", await SshAsync($"sudo ros console switch -f {console}"), StringComparison.Ordinal);
            }
            catch (InvalidOperationException)
            {
                // The old console (and this session with it) may be gone before ssh reads the output.
            }
            var deadline = DateTime.UtcNow + BootTimeout;
            var last = "";
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    last = await SshAsync(List);
                    if (last == expectedList)
                    {
                        return;
                    }
                }
                catch (InvalidOperationException e)
                {
                    last = e.Message;
                }
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
            var log = await SshAsync("sudo system-docker logs switch-console 2>&1 || true");
            Assert.Fail($"console {console} did not come up: {last}\nswitch-console: {log}");
        }
    }
}
