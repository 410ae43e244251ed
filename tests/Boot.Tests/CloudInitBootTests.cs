using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// User data from a config drive reaches the running system at boot: configdrive as ISO9660 and as vfat,
/// NoCloud, and a malformed cloud-config that still boots with defaults and says why.
/// </summary>
public sealed class CloudInitBootTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-cloudinit-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Console(QemuVm vm) => SerialConsole.Clean(vm.Console.Text);

    private static string PhaseLine(QemuVm vm) =>
        Console(vm).Split('\n').Single(l => l.StartsWith("init: phase cloud-init: ok", StringComparison.Ordinal)).Trim();

    [Fact]
    public async Task A_configdrive_ISO_sets_the_hostname_and_saves_boot_yml()
    {
        await using var booted = new CloudVm(cloudConfig: "#cloud-config\nhostname: fromconfigdrive\n");
        await booted.InitializeAsync();
        var vm = booted.Vm;

        Assert.Contains("datasource configdrive", PhaseLine(vm), StringComparison.Ordinal);
        Assert.Equal("fromconfigdrive", (await vm.RunAsync("hostname", cancellationToken: Ct)).Output.Trim());
        var saved = await vm.RunAsync("stat -c %a /var/lib/rancher/conf/cloud-config.d/boot.yml; cat /var/lib/rancher/conf/cloud-config.d/boot.yml", cancellationToken: Ct);
        Assert.StartsWith("600\n#cloud-config\nhostname: fromconfigdrive", saved.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_cloud_config_still_boots_with_defaults_and_the_error_is_in_the_boot_log()
    {
        await using var booted = new CloudVm(cloudConfig: "#cloud-config\nhostname: [unclosed\n");
        await booted.InitializeAsync();
        var vm = booted.Vm;

        Assert.Matches(@"init: phase cloud-init: problem: .*user-data:\d+:\d+: not valid YAML", Console(vm));
        // The built-in rancher.defaults.hostname, set by PID 1 and again by the network service.
        Assert.Matches(@"init: phase hostname: ok \(\d+ ms, rancher\)", Console(vm));
        Assert.Equal("rancher", (await vm.RunAsync("hostname", cancellationToken: Ct)).Output.Trim());
    }

    [Fact]
    public async Task A_vfat_configdrive_is_read_too()
    {
        var image = Path.Combine(_dir, "config-2.img");
        var tree = Directory.CreateDirectory(Path.Combine(_dir, "vfat/openstack/latest")).FullName;
        File.WriteAllText(Path.Combine(tree, "user_data"), "#cloud-config\nhostname: fromvfat\n");
        await Run("/sbin/mkfs.vfat", "-C", "-n", "CONFIG-2", image, "4096");
        await Run("/usr/bin/mcopy", "-s", "-i", image, Path.Combine(_dir, "vfat/openstack"), "::/");
        await using var booted = new CloudVm(extraDisk: image);
        await booted.InitializeAsync();

        Assert.Contains("datasource configdrive", PhaseLine(booted.Vm), StringComparison.Ordinal);
        Assert.Equal("fromvfat", (await booted.Vm.RunAsync("hostname", cancellationToken: Ct)).Output.Trim());
    }

    [Fact]
    public async Task A_NoCloud_cidata_drive_is_read_when_listed()
    {
        var tree = Directory.CreateDirectory(Path.Combine(_dir, "cidata")).FullName;
        File.WriteAllText(Path.Combine(tree, "user-data"), "#cloud-config\nhostname: fromnocloud\n");
        File.WriteAllText(Path.Combine(tree, "meta-data"), "instance-id: iid-1\nlocal-hostname: metaname\n");
        var iso = Path.Combine(_dir, "cidata.iso");
        await Run("/usr/bin/xorriso", "-as", "mkisofs", "-quiet", "-V", "cidata", "-J", "-R", "-o", iso, tree);
        await using var booted = new CloudVm(extraDisk: iso, cmdline: "rancher.cloud_init.datasources=[nocloud]");
        await booted.InitializeAsync();

        Assert.Contains("datasource nocloud", PhaseLine(booted.Vm), StringComparison.Ordinal);
        Assert.Equal("fromnocloud", (await booted.Vm.RunAsync("hostname", cancellationToken: Ct)).Output.Trim());
    }

    private static async Task Run(string file, params string[] args)
    {
        var (code, output) = await Tools.RunAsync(file, args, Ct);
        Assert.True(code == 0, $"{file} failed ({code}): {output}");
    }

    private sealed class CloudVm(string? cloudConfig = null, string? extraDisk = null, string cmdline = "") : BootedVm
    {
        protected override QemuOptions Options => new()
        {
            Name = "cloud-init",
            Boot = BootMode.DirectKernel,
            Network = false,
            CloudConfig = cloudConfig,
            ExtraCmdline = cmdline,
            ExtraArgs = extraDisk is null ? [] : ["-drive", $"file={extraDisk},format=raw,if=virtio,readonly=on"],
        };
    }
}
