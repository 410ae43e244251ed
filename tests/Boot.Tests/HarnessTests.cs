using System.Net;
using System.Net.Sockets;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>One direct-boot VM with everything the harness can attach: a config drive, two blank disks, a guestfwd.</summary>
public sealed class HarnessVm : BootedVm
{
    public const string UserData = "#cloud-config\nhostname: harness-check\n";

    /// <summary>Answers every GET with a body naming the path it was asked for.</summary>
    public CloudInitMetadataServer Metadata { get; } = new(request => MetadataAnswer.Ok($"fake-metadata {request.Path}\n"));

    protected override QemuOptions Options => new()
    {
        Name = "harness",
        Boot = BootMode.DirectKernel,
        CloudConfig = UserData,
        Disks = [new BlankDisk("64M"), new BlankDisk("128M", DiskFormat.Qcow2)],
        GuestForwards = [new GuestForward(Metadata.Port)],
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Metadata.DisposeAsync();
    }
}

/// <summary>Checks, from inside a guest, that what the harness attaches is really there (later e2e tests rely on it).</summary>
public sealed class HarnessTests(HarnessVm fixture) : IClassFixture<HarnessVm>
{
    private static readonly TimeSpan s_command = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Blank_disks_come_first_as_vda_and_vdb_with_their_sizes()
    {
        var r = await fixture.Vm.RunAsync("cat /sys/block/vda/size /sys/block/vdb/size", s_command, Ct);
        r.EnsureSuccess("reading disk sizes");
        var sectors = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        Assert.Equal([64L * 1024 * 2, 128L * 1024 * 2], sectors);
        var zeros = await fixture.Vm.RunAsync("head -c 1048576 /dev/vda | tr -d '\\000' | wc -c", s_command, Ct);
        Assert.Equal("0", zeros.Output.Trim());
    }

    [Fact]
    public async Task The_config_drive_holds_the_user_data()
    {
        var r = await fixture.Vm.RunAsync(
            "grep -c '^isofs ' /proc/modules; mkdir -p /mnt/cfg && mount -t iso9660 -o ro /dev/vdc /mnt/cfg && " +
            "cat /mnt/cfg/openstack/latest/user_data; umount /mnt/cfg; grep -c '^isofs ' /proc/modules", s_command, Ct);
        Assert.Contains("hostname: harness-check", r.Output, StringComparison.Ordinal);
        // Coldplug never loads isofs (no device asks for it): it is there because a mount made the kernel ask
        // /sbin/modprobe (busybox's) for fs-iso9660 — init's cloud-init phase or this test's own mount.
        Assert.EndsWith("\n1", r.Output, StringComparison.Ordinal);
        var label = await fixture.Vm.RunAsync("dd if=/dev/vdc bs=1 skip=32808 count=32 2>/dev/null", s_command, Ct);
        Assert.Equal(ConfigDrive.Label, label.Output.Trim());
    }

    [Fact]
    public async Task The_guest_reaches_the_fake_metadata_service_through_guestfwd()
    {
        var r = await fixture.Vm.RunAsync(
            "ip link set eth0 up && udhcpc -i eth0 -n -q -t 10 -s /bin/true >/dev/null 2>&1; " +
            "ip addr add 169.254.169.15/24 dev eth0 2>/dev/null; " +
            "timeout 30 wget -q -O- http://169.254.169.254/openstack/latest/meta_data.json", s_command, Ct);
        Assert.Contains("fake-metadata /openstack/latest/meta_data.json", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ssh_forward_listens_on_loopback_only()
    {
        Assert.NotEqual(0, fixture.Vm.SshPort);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Vm.SshPort, Ct);
        Assert.True(client.Connected);
        Assert.Contains($"hostfwd=tcp:127.0.0.1:{fixture.Vm.SshPort}-:22", string.Join(' ', fixture.Vm.CommandLine), StringComparison.Ordinal);
        Assert.Contains("restrict=on", string.Join(' ', fixture.Vm.CommandLine), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monitor_answers_commands()
    {
        var status = await fixture.Vm.MonitorCommandAsync("info status", Ct);
        Assert.Contains("VM status: running", status, StringComparison.Ordinal);
    }
}
