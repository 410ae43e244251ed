using System.Formats.Tar;
using System.Text.Json;
using System.Text.RegularExpressions;
using CorralOS.Engine.Tests;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// `ros os upgrade` end to end (issue 8): version A (dist/) installed from the ISO onto a blank disk with SeaBIOS, the
/// second version B (dist/upgrade/os.tar, build/upgrade-os.sh: A's ros with another version in its os-release) served
/// by Debian's docker-registry on 127.0.0.1, which the guest reaches through a guestfwd at 169.254.169.100:5000 (marked
/// insecure for System Docker by the install's cloud-config, as a user would). A upgrades to B and reboots into it;
/// /home, /opt, a config key and the install's kernel append are kept; `ros os rollback` and an upgrade to a broken
/// version C (its init exits) make GRUB fall back to A by itself; upgrading to B again works (this time rebooting by
/// itself). One VM at a time, four boots of the disk and C's panic. Not in `make test` (it takes longer than CI's time
/// allows): `make test-upgrade` runs it (docs/testing.md).
/// </summary>
[Trait("Suite", "upgrade")]
public sealed class UpgradeEndToEndTests
{
    private const string GuestRegistry = "169.254.169.100:5000";
    private static readonly TimeSpan s_markGoodTimeout = TimeSpan.FromMinutes(15);
    // Lines of a boot whose login prompt was already waited for: on the console by then.
    private static readonly TimeSpan s_shownBeforeLogin = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_installed_disk_upgrades_from_a_registry_rolls_back_and_upgrades_again_keeping_data_config_and_append()
    {
        var a = RepoPaths.Version;
        await using var disk = new InstalledDisk(uefi: false,
            extraCloudConfig: $"rancher:\n  system_docker:\n    insecure_registry:\n      - {GuestRegistry}\n");
        await disk.InstallAsync();
        await using var registry = await LocalRegistry.StartAsync();
        await disk.BootAsync([new GuestForward(registry.Port, "169.254.169.100", 5000)]);
        await AssertRunningAsync(disk, a, from: 0);
        await disk.SshAsync("echo home-kept > /home/rancher/upgrade-keep && echo opt-kept | sudo tee /opt/upgrade-keep >/dev/null"
            + " && sudo ros config set rancher.environment.UPGRADE_KEEP config-kept && sync");
        await AssertKeptAsync(disk);

        var (archive, b) = UpgradeOsImage.Locate();
        Assert.NotEqual(a, b);
        await PushAsync(archive, $"corralos/os:{b}", $"{registry.Host}/corralos/os:{b}");
        var image = $"{GuestRegistry}/corralos/os:{b}";

        // A -> B, with progress; grubenv has B to try once.
        var upgrade = await disk.SshAsync($"sudo ros os upgrade -i {image} -f --no-reboot 2>&1");
        Assert.Contains("upgrade: pull: ", upgrade, StringComparison.Ordinal);
        Assert.Contains($"upgrade: writing /boot/initrd-{b} (", upgrade, StringComparison.Ordinal);
        Assert.Contains($"upgrade: CorralOS {b} boots once at the next boot", upgrade, StringComparison.Ordinal);
        var from = disk.Vm.Console.Length;
        await disk.RebootAsync();
        await AssertRunningAsync(disk, b, from);
        await disk.Vm.WaitForConsoleAsync($"init: CorralOS {b} marked good: it boots by default from now on ({a} is the rollback)", s_markGoodTimeout, from, Ct);
        await AssertKeptAsync(disk);

        // Rollback, then at once an upgrade to a broken version C whose init exits: A (the rollback's default) stays
        // the default, C is tried once, the kernel panics and reboots, and GRUB abandons C and boots A by itself, with
        // the data and the install's append. (GrubFallbackTests has GRUB's part alone; this is the whole path.)
        var rollback = await disk.SshAsync("sudo ros os rollback");
        Assert.Contains($"os: CorralOS {a} boots by default from the next boot ({b} is kept as the previous version)", rollback, StringComparison.Ordinal);
        var (brokenArchive, c) = UpgradeOsImage.LocateBroken(archive);
        Assert.NotEqual(a, c);
        await PushAsync(brokenArchive, $"corralos/os:{c}", $"{registry.Host}/corralos/os:{c}");
        var toBroken = await disk.SshAsync($"sudo ros os upgrade -i {GuestRegistry}/corralos/os:{c} -f --no-reboot 2>&1");
        Assert.Contains($"upgrade: CorralOS {c} boots once at the next boot", toBroken, StringComparison.Ordinal);
        Assert.Contains($"upgrade: deleted /boot/initrd-{b}", toBroken, StringComparison.Ordinal);
        from = disk.Vm.Console.Length;
        await disk.RebootAsync();
        var exited = await disk.Vm.WaitForConsoleAsync($"init: CorralOS {c} is a deliberately broken version: its init exits", s_shownBeforeLogin, from, Ct);
        var panic = await disk.Vm.WaitForConsoleAsync("Kernel panic - not syncing: Attempted to kill init!", s_shownBeforeLogin, exited.End, Ct);
        var fallback = await disk.Vm.WaitForConsoleAsync($"CorralOS {c} did not reach started: booting {a}", s_shownBeforeLogin, panic.End, Ct);
        await AssertRunningAsync(disk, a, fallback.End);
        await AssertKeptAsync(disk);

        // A -> B again; this time `ros os upgrade -f` reboots by itself (the SSH session ends with the guest).
        from = disk.Vm.Console.Length;
        var (_, again) = await disk.SshUntilRebootAsync($"sudo ros os upgrade -i {image} -f 2>&1");
        Assert.Contains($"upgrade: CorralOS {b} boots once at the next boot", again, StringComparison.Ordinal);
        Assert.Contains($"upgrade: deleted /boot/initrd-{c}", again, StringComparison.Ordinal);
        await disk.WaitForSshAsync(from);
        await AssertRunningAsync(disk, b, from);
        await disk.Vm.WaitForConsoleAsync($"init: CorralOS {b} marked good: it boots by default from now on ({a} is the rollback)", s_markGoodTimeout, from, Ct);
        await AssertKeptAsync(disk);
    }

    /// <summary>The version booted after console offset <paramref name="from"/> is <paramref name="version"/> everywhere it shows, with the install's append.</summary>
    private static async Task AssertRunningAsync(InstalledDisk disk, string version, int from)
    {
        var booting = await disk.Vm.WaitForConsoleAsync(new Regex(@"CorralOS (\S+) booting"), InstalledDisk.BootTimeout, from, Ct);
        Assert.Equal($"CorralOS {version} booting", booting.Value);
        Assert.Equal(version, (await disk.SshAsync("ros os version")).Trim());
        Assert.Contains(version, await disk.SshAsync("ros --version"), StringComparison.Ordinal);
        var cmdline = (await disk.SshAsync("cat /proc/cmdline")).Trim();
        Assert.Contains($"/boot/vmlinuz-{version} ", cmdline, StringComparison.Ordinal);
        Assert.EndsWith(InstalledDisk.Append, cmdline, StringComparison.Ordinal);
    }

    private static async Task AssertKeptAsync(InstalledDisk disk)
    {
        Assert.Equal("home-kept", (await disk.SshAsync("cat /home/rancher/upgrade-keep")).Trim());
        Assert.Equal("opt-kept", (await disk.SshAsync("cat /opt/upgrade-keep")).Trim());
        Assert.Equal("config-kept", (await disk.SshAsync("sudo ros config get rancher.environment.UPGRADE_KEEP")).Trim());
        Assert.Equal(GuestRegistry, (await disk.SshAsync("sudo ros config get rancher.system_docker.insecure_registry")).Trim().TrimStart('-', ' '));
    }

    // Loads B's archive into an engine of this process and pushes it with the docker CLI, as a release would be published.
    private static async Task PushAsync(string archive, string tag, string target)
    {
        await using var engine = await TestEngine.StartAsync();
        string[][] steps = [["load", "-i", archive], ["tag", tag, target], ["push", target]];
        foreach (var step in steps)
        {
            var (code, output) = await Tools.RunAsync("docker", ["-H", "unix://" + engine.Socket, .. step], Ct);
            Assert.True(code == 0, $"docker {string.Join(' ', step)}: {output}");
        }
    }
}

/// <summary>The OS versions build/upgrade-os.sh makes: B ($CORRALOS_UPGRADE_OS, or dist/upgrade/os.tar) and the broken one beside it (os-broken.tar).</summary>
internal static class UpgradeOsImage
{
    public static (string Archive, string Version) Locate() =>
        Read(Environment.GetEnvironmentVariable("CORRALOS_UPGRADE_OS") is { Length: > 0 } set
            ? set
            : Path.Combine(RepoPaths.Dist, "upgrade", "os.tar"));

    public static (string Archive, string Version) LocateBroken(string upgradeArchive) =>
        Read(Path.Combine(Path.GetDirectoryName(upgradeArchive)!, "os-broken.tar"));

    private static (string Archive, string Version) Read(string archive)
    {
        Assert.True(File.Exists(archive), $"{archive} is missing: `make upgrade-os` builds it (build/upgrade-os.sh)");
        using var file = File.OpenRead(archive);
        using var reader = new TarReader(file);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == "manifest.json" && entry.DataStream is { } data)
            {
                var tag = JsonDocument.Parse(data).RootElement[0].GetProperty("RepoTags")[0].GetString()!;
                Assert.StartsWith("corralos/os:", tag, StringComparison.Ordinal);
                return (archive, tag["corralos/os:".Length..]);
            }
        }
        throw new InvalidOperationException($"{archive} has no manifest.json");
    }
}
