using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

// The generic install booted with SeaBIOS (GPT with BIOS boot partition and ESP) is UpgradeEndToEndTests' disk: its
// checks come first there, and the upgrade's reboots show that /home persists.

/// <summary>msdos: MBR with one bootable RANCHER_STATE, GRUB's core image in the gap before it; boots with SeaBIOS.</summary>
public sealed class InstallMsdosTests
{
    [Fact]
    public async Task An_msdos_install_boots_with_BIOS_and_keeps_home()
    {
        await using var disk = new InstalledDisk(uefi: false, installType: "msdos");
        var output = await disk.InstallAsync();
        InstallChecks.AssertInstallOutput(output, disk);

        await disk.BootAsync();
        await InstallChecks.AssertInstalledSystemAsync(disk);
        await InstallChecks.AssertHomePersistsAsync(disk);
    }
}

/// <summary>The same with OVMF: the ISO booted with UEFI installs, and the disk boots by its ESP's removable path.</summary>
public sealed class InstallUefiTests
{
    [Fact]
    public async Task The_ISO_installs_a_disk_that_boots_with_UEFI_and_keeps_home()
    {
        await using var disk = new InstalledDisk(uefi: true);
        var output = await disk.InstallAsync();
        InstallChecks.AssertInstallOutput(output, disk);

        await disk.BootAsync();
        await InstallChecks.AssertInstalledSystemAsync(disk);
        Assert.Equal("present", (await disk.SshAsync("[ -d /sys/firmware/efi ] && echo present || echo absent")).Trim());
        await InstallChecks.AssertHomePersistsAsync(disk);
    }
}

internal static class InstallChecks
{
    public static void AssertInstallOutput(string output, InstalledDisk disk)
    {
        Assert.Contains("install: loading the OS image from /dev/sr0 (/images/os.tar)", output, StringComparison.Ordinal);
        Assert.Contains($"install: loaded corralos/os:{RepoPaths.Version}", output, StringComparison.Ordinal);
        Assert.Contains(disk.InstallType == "msdos"
            ? "install: partitioning /dev/vda: MBR, bootable RANCHER_STATE"
            : "install: partitioning /dev/vda: GPT, BIOS boot, EFI System, RANCHER_STATE", output, StringComparison.Ordinal);
        Assert.Contains($"install: writing /boot/initrd-{RepoPaths.Version} (", output, StringComparison.Ordinal);
        Assert.Contains($"install: writing /boot/system-images-{RepoPaths.Version} (", output, StringComparison.Ordinal);
        Assert.Contains("install: installing GRUB for BIOS on /dev/vda", output, StringComparison.Ordinal);
        Assert.Equal(disk.InstallType == "generic", output.Contains("install: installing GRUB for UEFI on /dev/vda2", StringComparison.Ordinal));
        Assert.Contains($"install: CorralOS {RepoPaths.Version} installed on /dev/vda", output, StringComparison.Ordinal);
    }

    public static async Task AssertInstalledSystemAsync(InstalledDisk disk)
    {
        Assert.Equal(RepoPaths.Version, (await disk.SshAsync("ros os version")).Trim());
        Assert.Equal(disk.Hostname, (await disk.SshAsync("hostname")).Trim());
        var cmdline = await disk.SshAsync("cat /proc/cmdline");
        Assert.Contains($"/boot/vmlinuz-{RepoPaths.Version} ", cmdline, StringComparison.Ordinal);
        Assert.Contains("rancher.state.dev=LABEL=RANCHER_STATE", cmdline, StringComparison.Ordinal);
        Assert.EndsWith(InstalledDisk.Append, cmdline.Trim(), StringComparison.Ordinal);
        var state = await disk.SshAsync("sudo ls /var/lib/rancher/conf/cloud-config.d; sudo stat -c %a /var/lib/rancher/conf/cloud-config.d/user_config.yml; ros os persistence | tail -1");
        Assert.Contains("user_config.yml\n600\n", state, StringComparison.Ordinal);
        Assert.Contains($"state disk {disk.StatePartition} (ext4)", state, StringComparison.Ordinal);
        // User Docker's image comes from the system images file installed beside kernel and initrd.
        await disk.Vm.WaitForConsoleAsync(new Regex($"system-docker: mounted the system images file from /state/boot/system-images-{Regex.Escape(RepoPaths.Version)} "),
            TimeSpan.FromMinutes(3), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("ok", (await disk.SshAsync("wait-for-docker --timeout 180 && echo ok")).Trim());
    }

    public static async Task AssertHomePersistsAsync(InstalledDisk disk)
    {
        await disk.SshAsync("echo kept > /home/rancher/keep && sync");
        await disk.RebootAsync();
        Assert.Equal("kept", (await disk.SshAsync("cat /home/rancher/keep")).Trim());
        Assert.Equal(disk.Hostname, (await disk.SshAsync("hostname")).Trim());
    }
}
