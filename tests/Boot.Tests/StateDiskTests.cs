using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// The state disk: autoformat of a blank disk, persistence of PRODUCT.md §5's directories across a reboot,
/// RAM fallback, rancher.state.required, and docker-machine's boot2docker disk. Each case boots its own VM
/// with a disk file that outlives it.
/// </summary>
public sealed class StateDiskTests : IDisposable
{
    private const string StateCmdline = "rancher.state.dev=LABEL=RANCHER_STATE rancher.state.autoformat=[/dev/vda] rancher.state.wait";
    private static readonly TimeSpan s_exit = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-state-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Disk(byte[]? head = null)
    {
        var path = Path.Combine(_dir, "state.img");
        using var file = File.Create(path);
        file.SetLength(256L * 1024 * 1024);
        if (head is not null)
        {
            file.Write(head);
        }
        return path;
    }

    private static DiskVm Boot(string disk, string cmdline) => new(disk, cmdline);

    private static string StatePhaseLine(QemuVm vm) =>
        SerialConsole.Clean(vm.Console.Text).Split('\n')
            .Single(l => l.StartsWith("init: phase state: ok", StringComparison.Ordinal) || l.StartsWith("init: phase state: FAILED", StringComparison.Ordinal)).Trim();

    private static async Task PowerOffAsync(QemuVm vm)
    {
        await vm.SendLineAsync("poweroff", Ct);
        Assert.Equal(0, await vm.WaitForExitAsync(s_exit, Ct));
    }

    [Fact]
    public async Task A_blank_disk_is_formatted_and_home_opt_and_logs_persist_while_etc_does_not()
    {
        var disk = Disk();
        await using (var first = Boot(disk, StateCmdline))
        {
            await first.InitializeAsync();
            Assert.StartsWith("init: phase state: ok", StatePhaseLine(first.Vm), StringComparison.Ordinal);
            Assert.Contains("formatted /dev/vda as RANCHER_STATE", StatePhaseLine(first.Vm), StringComparison.Ordinal);
            (await first.Vm.RunAsync("echo kept > /home/keep && echo kept > /opt/keep && echo kept > /var/log/keep && " +
                                     "echo lost > /etc/lost && echo lost > /usr/lost", cancellationToken: Ct)).EnsureSuccess("writing files");
            // Config written with ros config lives on the state disk; a broken layer next to it must not stop the boot.
            (await first.Vm.RunAsync("ros config set hostname fromconfig && " +
                                     "printf 'rancher:\\n  sysctl:\\n    vm.swappiness: 13\\n' | ros config merge && " +
                                     "mkdir -p /var/lib/rancher/conf/cloud-config.d && " +
                                     "printf 'rancher:\\n  modules: [unclosed\\n' > /var/lib/rancher/conf/cloud-config.d/bad.yml",
                cancellationToken: Ct)).EnsureSuccess("writing config");
            await PowerOffAsync(first.Vm);
        }

        await using var second = Boot(disk, StateCmdline);
        await second.InitializeAsync();
        var line = StatePhaseLine(second.Vm);
        Assert.DoesNotContain("formatted", line, StringComparison.Ordinal);
        Assert.Contains("/dev/vda (ext4) mounted at /state", line, StringComparison.Ordinal);
        Assert.Contains("config reloaded: ", line, StringComparison.Ordinal);
        Assert.Contains("init: phase state: skipped layer: /var/lib/rancher/conf/cloud-config.d/bad.yml:", SerialConsole.Clean(second.Vm.Console.Text), StringComparison.Ordinal);
        Assert.Equal("fromconfig", (await second.Vm.RunAsync("hostname", cancellationToken: Ct)).Output.Trim());
        Assert.Equal("13", (await second.Vm.RunAsync("cat /proc/sys/vm/swappiness", cancellationToken: Ct)).Output.Trim());
        var files = await second.Vm.RunAsync("cat /home/keep /opt/keep /var/log/keep; ls /etc/lost /usr/lost 2>&1", cancellationToken: Ct);
        Assert.StartsWith("kept\nkept\nkept\n", files.Output, StringComparison.Ordinal);
        Assert.Contains("/etc/lost: No such file", files.Output, StringComparison.Ordinal);
        Assert.Contains("/usr/lost: No such file", files.Output, StringComparison.Ordinal);
        // The first shutdown unmounted cleanly: ext4 had no journal to replay.
        var dmesg = await second.Vm.RunAsync("dmesg | grep 'EXT4-fs (vda)'", cancellationToken: Ct);
        Assert.DoesNotContain("recovery", dmesg.Output, StringComparison.Ordinal);
        Assert.Contains("mounted filesystem", dmesg.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_label_that_matches_nothing_falls_back_to_RAM()
    {
        await using var vm = Boot(Disk(), "rancher.state.dev=LABEL=BAD_STATE");
        await vm.InitializeAsync();

        Assert.Equal("ok", StatePhaseLine(vm.Vm).Split(':')[2].Trim().Split(' ')[0]);
        Assert.Contains("state device LABEL=BAD_STATE not found: running from RAM", StatePhaseLine(vm.Vm), StringComparison.Ordinal);
        var mounts = await vm.Vm.RunAsync("grep -c ' /home ' /proc/mounts; grep -c vda /proc/mounts", cancellationToken: Ct);
        Assert.Equal("0\n0", mounts.Output);
    }

    [Fact]
    public async Task A_required_state_that_is_missing_stops_the_boot_in_a_recovery_shell()
    {
        await using var vm = Boot(Disk(), "rancher.state.dev=LABEL=BAD_STATE rancher.state.required");
        await vm.InitializeAsync();

        Assert.Equal(
            "init: phase state: FAILED: state device LABEL=BAD_STATE not found, and rancher.state.required is set",
            StatePhaseLine(vm.Vm));
        var console = SerialConsole.Clean(vm.Vm.Console.Text);
        Assert.Contains("init: a required boot phase failed; starting a recovery shell on the console", console, StringComparison.Ordinal);
        Assert.DoesNotContain("init: phase loopback", console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_docker_machine_disk_becomes_B2D_STATE_and_its_keys_go_to_the_docker_user()
    {
        // As docker-machine writes it: a tar whose first entry is the magic name, then .ssh/authorized_keys.
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "boot2docker, please format-me"));
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, ".ssh/authorized_keys")
            { DataStream = new MemoryStream("ssh-ed25519 AAAAmachine docker-machine\n"u8.ToArray()) });
        }
        await using var vm = Boot(Disk(tar.ToArray()), "");
        await vm.InitializeAsync();

        Assert.Contains("formatted /dev/vda as B2D_STATE, 1 boot2docker SSH keys for docker", StatePhaseLine(vm.Vm), StringComparison.Ordinal);
        var mounts = await vm.Vm.RunAsync("grep ' /home ' /proc/mounts", cancellationToken: Ct);
        Assert.StartsWith("/dev/vda /home ext4", mounts.Output, StringComparison.Ordinal);
        var key = await vm.Vm.RunAsync("stat -c '%a %u' /home/docker/.ssh/authorized_keys && cat /home/docker/.ssh/authorized_keys && " +
                                       "ls /state/var/lib/boot2docker", cancellationToken: Ct);
        Assert.StartsWith("600 1101\nssh-ed25519 AAAAmachine docker-machine\n", key.Output, StringComparison.Ordinal);
        Assert.Contains("userdata.tar", key.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mounts_from_config_attach_a_disk_by_label_with_options_and_turn_on_swap()
    {
        var data = Disk();
        await Run("/sbin/mkfs.ext4", "-F", "-q", "-L", "DATA", data);
        var swap = Path.Combine(_dir, "swap.img");
        using (var file = File.Create(swap))
        {
            file.SetLength(64L * 1024 * 1024);
        }
        await Run("/sbin/mkswap", swap);
        await using var vm = new DiskVm(data, "cc.mounts=[[LABEL=DATA,/mnt/data,ext4,'noexec,nodev'],[/dev/vdb,none,swap,'']]", swap);
        await vm.InitializeAsync();

        var line = SerialConsole.Clean(vm.Vm.Console.Text).Split('\n').Single(l => l.StartsWith("init: phase disk-mounts:", StringComparison.Ordinal));
        Assert.Contains("ok", line, StringComparison.Ordinal);
        var mounts = await vm.Vm.RunAsync("grep ' /mnt/data ' /proc/mounts; grep -c /dev/vdb /proc/swaps", cancellationToken: Ct);
        Assert.StartsWith("/dev/vda /mnt/data ext4 rw,nodev,noexec", mounts.Output, StringComparison.Ordinal);
        Assert.EndsWith("\n1", mounts.Output, StringComparison.Ordinal);
    }

    private static async Task Run(string file, params string[] args)
    {
        var (code, output) = await Tools.RunAsync(file, args, Ct);
        Assert.True(code == 0, $"{file} failed ({code}): {output}");
    }

    private sealed class DiskVm(string disk, string cmdline, string? secondDisk = null) : BootedVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "state-disk",
            Boot = BootMode.DirectKernel,
            Network = false,
            ExtraCmdline = cmdline,
            ExtraArgs = secondDisk is null
                ? ["-drive", $"file={disk},format=raw,if=virtio"]
                : ["-drive", $"file={disk},format=raw,if=virtio", "-drive", $"file={secondDisk},format=raw,if=virtio"],
        };
    }
}
