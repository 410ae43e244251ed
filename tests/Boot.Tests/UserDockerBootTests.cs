using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// User Docker as a console user meets it (PRODUCT.md §1, §4; docs/user-docker.md): the docker service runs Debian's
/// dockerd, rancher (group docker) and sudo reach it with the docker CLI shared from the docker image, an image loaded
/// from a tar runs, and a published port of a container on the default bridge answers from the console. With
/// rancher.docker.tls on, dockerd also listens on tcp 2376 with --tlsverify: rancher's client certificates work in the
/// console, and the host's docker CLI reaches it through a forward with them (and is refused without). One VM.
/// </summary>
public sealed class UserDockerBootTests(UserDockerBootTests.DockerVm booted) : IClassFixture<UserDockerBootTests.DockerVm>
{
    [Fact]
    public async Task The_docker_service_runs_and_answers_rancher_and_sudo()
    {
        var ps = await booted.SshAsync("sudo ros service ps");
        Assert.Matches(new Regex(@"(?m)^docker\s+docker\s+system\s+corralos/os-docker:\S+\s+Up"), ps);
        Assert.Equal("ok", (await booted.SshAsync("wait-for-docker --timeout 120 && echo ok")).Trim());
        var info = await booted.SshAsync("docker info --format '{{.ServerVersion}} {{.Driver}} {{.CgroupVersion}}'");
        Assert.Matches(new Regex(@"^20\.10\.\S+ overlay2 2$"), info.Trim());
        Assert.Contains("Server Version", await booted.SshAsync("sudo docker info"), StringComparison.Ordinal);
        Assert.Equal("srw-rw---- root docker", (await booted.SshAsync("stat -c '%A %U %G' /var/run/docker.sock")).Trim());
        Assert.Contains("API listen on /var/run/docker.sock", await booted.SshAsync("cat /var/log/docker.log"), StringComparison.Ordinal);
        // The image came from the system images file (the disk the harness attached), not the initrd or a pull.
        Assert.Matches(new Regex(@"system-docker: mounted the system images file from /dev/vd[a-z] "), SerialConsole.Clean(booted.Vm.Console.Text));
    }

    [Fact]
    public async Task The_consoles_docker_is_a_symlink_into_the_system_images_file_and_no_entrypoint_stays_behind_a_command()
    {
        await booted.SshAsync("wait-for-docker --timeout 120");
        // Not a 44 MB copy in /var/lib/rancher (RAM without a state disk): a link into the read-only erofs.
        var target = (await booted.SshAsync("readlink /var/lib/rancher/engine/docker")).Trim();
        Assert.Matches(new Regex(@"^/run/corralos/system-images/image/layers/sha256/[0-9a-f]{64}/diff/usr/bin/docker$"), target);
        Assert.Equal("rancher", (await booted.SshAsync("id -un")).Trim());
        Assert.Matches(new Regex(@"^20\.10\.\S+ 20\.10\.\S+$"), (await booted.SshAsync("docker version --format '{{.Client.Version}} {{.Server.Version}}'")).Trim());
        // ros entrypoint execs the services' commands: none of them keeps a .NET parent. A command that is a ros
        // applet (netconf, ntp, preload-images while it runs) runs in the entrypoint's own process: only those show it.
        var processes = await booted.SshAsync("ps -o args");
        Assert.Contains("syslogd -n -O /var/log/syslog", processes, StringComparison.Ordinal);
        Assert.DoesNotContain("ros entrypoint --container syslog", processes, StringComparison.Ordinal);
        Assert.DoesNotContain("ros entrypoint --container udev", processes, StringComparison.Ordinal);
        var entrypoints = processes.Split('\n').Where(l => l.Contains("ros entrypoint", StringComparison.Ordinal)).ToList();
        Assert.All(entrypoints, l => Assert.Matches(new Regex(@"ros entrypoint --container (network netconf --daemon|ntp ntp|preload-user-images ros preload-images --after /run/console-done)$"), l.Trim()));
    }

    [Fact]
    public async Task An_image_loaded_from_a_tar_runs_and_a_published_port_answers_from_the_console()
    {
        await booted.SshAsync("wait-for-docker --timeout 120");
        // A busybox image from a tar: System Docker's base image imported, then saved and loaded back by User Docker.
        var image = $"corralos/os-base:{RepoPaths.Version}";
        await booted.SshAsync(GuestImages.ImportBase(image) + $" && docker save -o /home/rancher/base.tar {image} && docker rmi {image} && " +
                              "docker load -i /home/rancher/base.tar && rm /home/rancher/base.tar");
        Assert.Equal("hello from user docker", (await booted.SshAsync($"docker run --rm {image} echo hello from user docker")).Trim());

        await booted.SshAsync($"docker run -d --name web -p 8080:80 {image} sh -c 'mkdir -p /www && echo served-by-httpd > /www/index.html && exec httpd -f -p 80 -h /www'");
        var page = await booted.SshAsync("for i in $(seq 1 30); do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 1; done; exit 1");
        Assert.Equal("served-by-httpd", page.Trim());
        // The container reached the outside of its bridge through NAT: its default route is docker0's address.
        Assert.Contains("172.17.0.1", await booted.SshAsync($"docker run --rm {image} ip route"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_tls_dockerd_listens_on_2376_and_rancher_s_client_certificates_work_in_the_console()
    {
        await booted.SshAsync("wait-for-docker --timeout 120");
        var line = await booted.SshAsync("sudo ros user-docker --print");
        Assert.Contains("--tlsverify\n", line, StringComparison.Ordinal);
        Assert.Contains("-H=tcp://0.0.0.0:2376\n", line, StringComparison.Ordinal);
        Assert.Equal("-rw------- rancher rancher", (await booted.SshAsync("stat -c '%A %U %G' /home/rancher/.docker/key.pem")).Trim());
        Assert.Equal("-rw------- root root", (await booted.SshAsync("sudo stat -c '%A %U %G' /etc/docker/tls/server-key.pem")).Trim());
        var version = await booted.SshAsync("docker --tlsverify -H tcp://127.0.0.1:2376 version --format '{{.Server.Version}}'");
        Assert.Matches(new Regex(@"^20\.10\.\S+$"), version.Trim());
        // The unix socket stays.
        Assert.Matches(new Regex(@"^20\.10\.\S+$"), (await booted.SshAsync("docker version --format '{{.Server.Version}}'")).Trim());
    }

    [Fact]
    public async Task From_the_host_docker_tlsverify_through_the_forward_answers_and_without_a_client_certificate_is_refused()
    {
        await booted.SshAsync("wait-for-docker --timeout 120");
        // rancher's client files, copied out of the VM.
        var dir = booted.HostDirectory("docker-client");
        foreach (var file in new[] { "ca.pem", "cert.pem", "key.pem" })
        {
            await File.WriteAllTextAsync(Path.Combine(dir, file), await booted.SshAsync($"cat /home/rancher/.docker/{file}"), TestContext.Current.CancellationToken);
        }
        var host = $"tcp://127.0.0.1:{booted.Vm.HostPorts[2376].ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var (code, output) = await Tools.RunAsync("/usr/local/bin/docker",
        [
            "--config", dir, "-H", host, "--tlsverify", "--tlscacert", Path.Combine(dir, "ca.pem"),
            "--tlscert", Path.Combine(dir, "cert.pem"), "--tlskey", Path.Combine(dir, "key.pem"), "version", "--format", "{{.Server.Version}}",
        ], TestContext.Current.CancellationToken);
        Assert.True(code == 0, output);
        Assert.Matches(new Regex(@"^20\.10\.\S+$"), output.Trim());

        // No client certificate (and a config directory without one, as the CLI looks there by default): dockerd's
        // --tlsverify refuses the handshake.
        var empty = booted.HostDirectory("no-client-certificate");
        (code, output) = await Tools.RunAsync("/usr/local/bin/docker",
            ["--config", empty, "-H", host, "--tlsverify", "--tlscacert", Path.Combine(dir, "ca.pem"), "version", "--format", "{{.Server.Version}}"], TestContext.Current.CancellationToken);
        Assert.NotEqual(0, code);
        Assert.Contains("certificate", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"(?m)^20\.10\."), output);
    }

    /// <summary>
    /// One VM with the console service and User Docker. 2 GiB (the harness default): without a state disk every image
    /// (the initrd's archives, System Docker's store, User Docker's) lives in RAM, and the root tmpfs gets half of it.
    /// </summary>
    public sealed class DockerVm : SshConsoleVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "user-docker",
            Boot = BootMode.DirectKernel,
            InitShell = false,
            MemoryMiB = 2048,
            ExtraForwardedGuestPorts = [22, 2376],
            CloudConfig = "#cloud-config\n" + AuthorizedKeys + "rancher:\n  docker:\n    tls: true\n",
        };

        /// <summary>A directory on the host that lives as long as the VM.</summary>
        public string HostDirectory(string name) => Directory.CreateDirectory(Path.Combine(Dir, name)).FullName;
    }
}
