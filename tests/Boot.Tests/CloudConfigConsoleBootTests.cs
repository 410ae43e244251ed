using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// The reference's console end-to-end cases (§8.2: write_files in the console and in other system containers,
/// restart_services, start commands, sysctl, modules, environment, hostname, os-release, preload into System Docker and
/// User Docker, a user container with a restart policy across a reboot; §1.9 autologin and password; §1.10 shutdown
/// order) in ONE VM, booted once with a rich cloud-config, a state disk and `rancher.autologin=ttyS0
/// rancher.password=...`, then rebooted once (last test) for what only a second boot shows: the preloaded images, the
/// restart-policy container running again and the order the first shutdown stopped the services in.
/// </summary>
public sealed class CloudConfigConsoleBootTests(CloudConfigConsoleBootTests.RichVm booted) : IClassFixture<CloudConfigConsoleBootTests.RichVm>
{
    private string Console => SerialConsole.Clean(booted.Vm.Console.Text);

    [Fact]
    public async Task Write_files_land_in_the_console_with_their_mode_owner_and_every_encoding()
    {
        var files = await booted.SshAsync("cd /home/rancher && stat -c '%n %a %U:%G' plain.txt b64.txt && " +
                                          "cat plain.txt; echo; cat b64.txt gz.txt gzb64.txt");
        Assert.Equal(
            "plain.txt 600 rancher:docker\nb64.txt 644 root:root\nplain text\nfrom base64\nfrom gzip\nfrom gzip and base64\n",
            files);
    }

    [Fact]
    public async Task Runcmd_the_user_data_script_start_sh_and_rc_local_run_with_the_reference_order()
    {
        var output = await booted.SshAsync("cd /home/rancher && ls runcmd-list runcmd-shell script && cat start-sh rc-local");
        // start.sh runs before /run/console-done is written (User Docker waits for it), rc.local after.
        Assert.Equal("runcmd-list\nruncmd-shell\nscript\nbefore\nafter\n", output);
    }

    [Fact]
    public async Task Bootcmd_runs_on_the_host_before_the_services()
    {
        Assert.Contains("init: phase bootcmd: ok", Console, StringComparison.Ordinal);
        Assert.True(Console.IndexOf("init: phase bootcmd: ok", StringComparison.Ordinal) < Console.IndexOf("init: boot phases done", StringComparison.Ordinal));
        Assert.Equal("list\nran\n", await booted.SshAsync("ls /var/log/bootcmd"));
    }

    [Fact]
    public async Task Sysctl_modules_and_hostname_from_cloud_config_apply()
    {
        Assert.Equal("corral-test\n", await booted.SshAsync("cat /proc/sys/kernel/domainname"));
        // Both from the config drive on the first boot; nbd's parameter made two devices (its default is 16).
        var modules = await booted.SshAsync("grep -oE '^(nbd|zram) ' /proc/modules | sort; ls /sys/block | grep -c '^nbd'");
        Assert.Equal("nbd \nzram \n2\n", modules);
        Assert.Equal("corral-e2e\n", await booted.SshAsync("hostname"));
        Assert.Matches(new Regex(@"(?m)^127\.0\.1\.1\s+corral-e2e\b"), await booted.SshAsync("cat /etc/hosts"));
    }

    [Fact]
    public async Task Os_release_os_version_and_persistence_describe_CorralOS()
    {
        Assert.Contains("NAME=\"CorralOS\"\n", await booted.SshAsync("cat /etc/os-release"), StringComparison.Ordinal);
        Assert.Equal(RepoPaths.Version + "\n", await booted.SshAsync("ros os version"));
        var persistence = await booted.SshAsync("ros os persistence");
        foreach (var directory in (string[])["/home", "/opt", "/var/lib/rancher", "/var/lib/docker", "/var/log"])
        {
            Assert.Contains($"\n  {directory}\n", persistence, StringComparison.Ordinal);
        }
        Assert.Contains("This boot: state disk /dev/vda (ext4)", persistence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rancher_environment_reaches_a_service_by_name_and_by_wildcard()
    {
        var env = (await booted.SshAsync("sudo ros service logs envtest")).Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("A=A", env);
        Assert.Contains("BB=BB", env);
        Assert.Contains("BC=BC", env);
    }

    [Fact]
    public void Restart_services_restarts_ntp_once_the_services_are_up()
    {
        var up = Console.IndexOf("init: services: ", StringComparison.Ordinal);
        Assert.True(up > 0);
        var after = Console[up..];
        var stopped = after.IndexOf("init: service ntp: stopped", StringComparison.Ordinal);
        Assert.True(stopped > 0, "ntp was not stopped after the services came up");
        Assert.True(after.IndexOf("init: service ntp: started", stopped, StringComparison.Ordinal) > stopped, "ntp was not started again");
        Assert.Contains("init: restart_services: restarted ntp", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_restart_services_chronyd_runs_again_in_the_ntp_container()
    {
        await booted.Vm.WaitForConsoleAsync("init: restart_services: restarted ntp", TimeSpan.FromSeconds(120), 0, TestContext.Current.CancellationToken);
        // The console shares the host's PID namespace: the ntp container's chronyd is visible here. Twice, some seconds
        // apart, the same process: not one that dies at start and is started again by the restart policy.
        var first = (await booted.SshAsync("for i in $(seq 1 30); do pidof chronyd && exit 0; sleep 1; done; exit 1")).Trim();
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var logs = await booted.SshAsync("sudo ros service logs ntp 2>&1");
        Assert.True(first.Length > 0 && first == (await booted.SshAsync("pidof chronyd || true")).Trim(), $"chronyd not running steadily; ntp's log:\n{logs}");
        Assert.DoesNotContain("Fatal error", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_files_for_another_system_container_land_in_that_container_only()
    {
        Assert.Equal("written into ntp\n", await booted.SshAsync("sudo system-docker exec ntp cat /etc/corral-in-ntp"));
        Assert.Equal("written into syslog\n", await booted.SshAsync("sudo system-docker exec syslog cat /etc/corral-in-syslog"));
        Assert.Equal("absent\n", await booted.SshAsync("test -e /etc/corral-in-ntp || test -e /etc/corral-in-syslog || echo absent"));
    }

    [Fact]
    public async Task A_preloaded_archive_loads_into_user_docker()
    {
        // preload-user-images waits for User Docker (its first start can take minutes under TCG on a busy machine), then
        // loads the archive write_files put in the preload folder. On failure the preload's lines say why.
        var images = await booted.SshAsync("wait-for-docker --timeout 900 && for i in $(seq 1 150); do docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | " +
                                           "grep -x corralos/user-probe:1 && exit 0; sleep 2; done; grep preload-images /var/log/docker.log; exit 1");
        Assert.Equal("corralos/user-probe:1\n", images);
        Assert.Equal("user-probe.tar\nuser-probe.tar.done\n", await booted.SshAsync("ls /var/lib/rancher/preload/docker"));
        Assert.Contains("preload-images: /var/lib/rancher/preload/docker/user-probe.tar: Loaded image: corralos/user-probe:1",
            await booted.SshAsync("cat /var/log/docker.log"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_container_with_a_restart_policy_runs()
    {
        // For the reboot test: a container with a restart policy, from System Docker's busybox image.
        var image = $"corralos/os-base:{RepoPaths.Version}";
        await booted.SshAsync($"wait-for-docker --timeout 300 && {GuestImages.ImportBase(image)} && " +
                              $"docker run -d --restart always --name keeper {image} sleep 1000000");
        Assert.Equal("running\n", await booted.SshAsync("docker inspect -f '{{.State.Status}}' keeper"));
    }

    [Fact]
    public async Task Autologin_gives_rancher_a_shell_on_the_serial_console()
    {
        var from = booted.Vm.Console.Length;
        await booted.Vm.SendLineAsync("echo AUTO-$(id -u)-$(id -un)-LOGIN", TestContext.Current.CancellationToken);
        await booted.Vm.WaitForConsoleAsync("AUTO-1100-rancher-LOGIN", TimeSpan.FromSeconds(60), from, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Rancher_password_from_the_kernel_command_line_logs_in_over_ssh()
    {
        Assert.Equal("PASSWORD-OK rancher\n", await booted.PasswordSshAsync("echo PASSWORD-OK $(id -un)"));
    }

    [Fact]
    [TestOrder(100)]
    public async Task After_a_reboot_the_preloaded_image_is_there_and_the_shutdown_stopped_dependents_first()
    {
        // First boot: the archive was only written (by write_files), so the service that needs its image failed.
        Assert.Contains("init: service preloaded: FAILED", Console, StringComparison.Ordinal);
        Assert.DoesNotContain("preloaded corralos/preload-probe", Console, StringComparison.Ordinal);

        var from = booted.Vm.Console.Length;
        try
        {
            await booted.SshAsync("sudo reboot");
        }
        catch (InvalidOperationException)
        {
            // The connection may drop before ssh sees the exit status.
        }
        await booted.WaitForSshAsync(booted.Vm, from);

        var shutdown = SerialConsole.Clean(booted.Vm.Console.TextFrom(from));
        var order = (string[])["init: shutting down (reboot)", "init: service console: stopped", "init: service network: stopped",
            "init: service udev: stopped", "init: syncing disks", "CorralOS " + RepoPaths.Version + " booting"];
        var positions = order.Select(line => shutdown.IndexOf(line, StringComparison.Ordinal)).ToList();
        Assert.True(positions.All(p => p >= 0) && positions.SequenceEqual(positions.Order()),
            "shutdown lines out of order or missing: " + string.Join(", ", order.Zip(positions, (l, p) => $"{l}@{p}")));
        Assert.DoesNotContain("did not stop within", shutdown, StringComparison.Ordinal);

        Assert.Contains("init: system-docker: preloaded corralos/preload-probe:1", shutdown, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"(?m)^preloaded\s+preloaded\s+system\s+corralos/preload-probe:1\s+Created"), await booted.SshAsync("sudo ros service ps"));
        Assert.Equal("probe.tar\nprobe.tar.done\n", await booted.SshAsync("ls /var/lib/rancher/preload/system-docker"));

        // User Docker: its data is on the state disk, so the restart-policy container is running again; the preloaded
        // archive is not loaded a second time (its stamp matches).
        var keeper = await booted.SshAsync("wait-for-docker --timeout 300 && for i in $(seq 1 60); do " +
                                           "docker inspect -f '{{.State.Status}}' keeper | grep -x running && exit 0; sleep 2; done; " +
                                           "docker inspect -f '{{.State.Status}}' keeper");
        Assert.Equal("running\n", keeper);
        var log = await booted.SshAsync("for i in $(seq 1 150); do grep -q 'user-probe.tar: already loaded' /var/log/docker.log && break; sleep 2; done; " +
                                        "grep 'preload-images: /var/lib/rancher/preload/docker/user-probe.tar' /var/log/docker.log");
        Assert.Equal(1, Regex.Count(log, "Loaded image: corralos/user-probe:1"));
        Assert.Contains("user-probe.tar: already loaded", log, StringComparison.Ordinal);
        Assert.Equal("corralos/user-probe:1\n", await booted.SshAsync("docker images --format '{{.Repository}}:{{.Tag}}' | grep -x corralos/user-probe:1"));
    }

    /// <summary>The VM: a state disk (the reboot keeps the preload folder), auto-login and a password on the serial console.</summary>
    public sealed class RichVm : SshConsoleVm
    {
        public const string Password = "corral-pw";

        protected override Regex ConsoleReady => new(@"built-in shell \(ash\)");

        protected override QemuOptions Options => new()
        {
            Name = "cloud-config-console",
            Boot = BootMode.DirectKernel,
            InitShell = false,
            AllowReboot = true,
            Disks = [new BlankDisk("1G")],
            ExtraCmdline = $"rancher.state.dev=LABEL=RANCHER_STATE rancher.state.autoformat=[/dev/vda] rancher.autologin=ttyS0 rancher.password={Password}",
            CloudConfig = UserData(),
        };

        private string UserData() => $$"""
            #cloud-config
            hostname: corral-e2e
            {{AuthorizedKeys}}write_files:
              - path: /home/rancher/plain.txt
                permissions: "0600"
                owner: rancher:docker
                content: plain text
              - path: /home/rancher/b64.txt
                encoding: b64
                content: {{Convert.ToBase64String("from base64\n"u8)}}
              - path: /home/rancher/gz.txt
                encoding: gzip
                content: "{{string.Concat(Gzip("from gzip\n").Select(b => $"\\x{b:x2}"))}}"
              - path: /home/rancher/gzb64.txt
                encoding: gz+b64
                content: {{Convert.ToBase64String(Gzip("from gzip and base64\n"))}}
              - path: /var/lib/rancher/preload/system-docker/probe.tar
                encoding: b64
                content: {{Convert.ToBase64String(ProbeImageArchive("corralos/preload-probe:1"))}}
              - path: /var/lib/rancher/preload/docker/user-probe.tar
                encoding: b64
                content: {{Convert.ToBase64String(ProbeImageArchive("corralos/user-probe:1"))}}
              - path: /etc/corral-in-ntp
                container: ntp
                content: "written into ntp\n"
              - path: /etc/corral-in-syslog
                container: syslog
                content: "written into syslog\n"
              - path: /opt/rancher/bin/start.sh
                permissions: "0755"
                content: |
                  #!/bin/sh
                  test -e /run/console-done && echo after > /home/rancher/start-sh || echo before > /home/rancher/start-sh
              - path: /etc/rc.local
                permissions: "0755"
                content: |
                  test -e /run/console-done && echo after > /home/rancher/rc-local || echo before > /home/rancher/rc-local
              - path: /var/lib/rancher/conf/cloud-config-script
                permissions: "0755"
                content: |
                  #!/bin/sh
                  touch /home/rancher/script
            runcmd:
              - []
              - [touch, /home/rancher/runcmd-list]
              - echo "" > /home/rancher/runcmd-shell
            bootcmd:
              - mkdir -p /var/log/bootcmd && touch /var/log/bootcmd/ran
              - [touch, /var/log/bootcmd/list]
            rancher:
              sysctl:
                kernel.domainname: corral-test
              modules: ["nbd nbds_max=2", zram]
              environment: {A: A, BB: BB, BC: BC}
              restart_services: [ntp]
              services:
                preloaded:
                  image: corralos/preload-probe:1
                  command: /probe
                  labels:
                    io.rancher.os.scope: system
                    io.rancher.os.createonly: "true"
                envtest:
                  image: corralos/os-base:${VERSION}
                  command: env
                  labels:
                    io.rancher.os.scope: system
                    io.rancher.os.detach: "false"
                  environment: [A, "B*"]

            """;

        /// <summary>SSH with the password (OpenSSH's askpass, forced), no key.</summary>
        public async Task<string> PasswordSshAsync(string command)
        {
            var askpass = Path.Combine(Dir, "askpass");
            await File.WriteAllTextAsync(askpass, $"#!/bin/sh\necho '{Password}'\n");
            var (code, chmod) = await Tools.RunAsync("chmod", ["0700", askpass], CancellationToken.None);
            Assert.True(code == 0, chmod);
            var info = new System.Diagnostics.ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var argument in (string[])["-w", "ssh", "-p", Vm.SshPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=20",
                "-o", "LogLevel=ERROR", "rancher@127.0.0.1", command])
            {
                info.ArgumentList.Add(argument);
            }
            info.Environment["SSH_ASKPASS"] = askpass;
            info.Environment["SSH_ASKPASS_REQUIRE"] = "force";
            info.Environment["DISPLAY"] = "none";
            using var ssh = System.Diagnostics.Process.Start(info)!;
            ssh.StandardInput.Close();
            var output = ssh.StandardOutput.ReadToEndAsync();
            var error = ssh.StandardError.ReadToEndAsync();
            await ssh.WaitForExitAsync();
            return ssh.ExitCode == 0 ? await output : throw new InvalidOperationException($"password ssh exited {ssh.ExitCode}: {await error}");
        }

        private static byte[] Gzip(string text)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
            {
                gzip.Write(Encoding.UTF8.GetBytes(text));
            }
            return buffer.ToArray();
        }

        /// <summary>A `docker save` archive of a one-file image tagged <paramref name="tag"/> (a few KiB, so it fits the user data).</summary>
        private static byte[] ProbeImageArchive(string tag)
        {
            var layer = TarOf([("probe", "preloaded\n"u8.ToArray())]);
            var layerDigest = Convert.ToHexStringLower(SHA256.HashData(layer));
            var config = Encoding.UTF8.GetBytes(
                """{"architecture":"amd64","os":"linux","config":{"Cmd":["/probe"]},"rootfs":{"type":"layers","diff_ids":["sha256:""" + layerDigest + "\"]}}");
            var configDigest = Convert.ToHexStringLower(SHA256.HashData(config));
            var manifest = Encoding.UTF8.GetBytes(
                $$"""[{"Config":"blobs/sha256/{{configDigest}}","RepoTags":["{{tag}}"],"Layers":["blobs/sha256/{{layerDigest}}"]}]""");
            return TarOf([($"blobs/sha256/{layerDigest}", layer), ($"blobs/sha256/{configDigest}", config), ("manifest.json", manifest)]);
        }

        private static byte[] TarOf(IEnumerable<(string Name, byte[] Data)> entries)
        {
            using var buffer = new MemoryStream();
            using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
            {
                foreach (var (name, data) in entries)
                {
                    writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead });
                }
            }
            return buffer.ToArray();
        }
    }
}
