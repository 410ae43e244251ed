using System.Formats.Tar;
using System.Text.Json;
using System.Text.RegularExpressions;
using CorralOS.Engine.Tests;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// `ros os upgrade` end to end (issue 8): version A (dist/) installed from the ISO onto a blank disk with SeaBIOS, the
/// second version B (dist/upgrade/os.tar, build/upgrade-os.sh) served by Debian's docker-registry on 127.0.0.1, which
/// the guest reaches through a guestfwd at 169.254.169.100:5000 (marked insecure for System Docker by the install's
/// cloud-config, as a user would). A upgrades to B and reboots into it; /home, /opt, a config key and the install's
/// kernel append are kept; `ros os rollback` brings A back; upgrading to B again works (this time rebooting by itself).
/// One VM at a time, four boots of the disk. Not in `make test` yet (it and B's build cost more than CI's time allows):
/// `make test-upgrade` runs it (docs/testing.md).
/// </summary>
[Trait("Suite", "upgrade")]
public sealed class UpgradeEndToEndTests
{
    private const string GuestRegistry = "169.254.169.100:5000";
    private static readonly TimeSpan s_markGoodTimeout = TimeSpan.FromMinutes(15);

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

        // Rollback: A again, with the data.
        var rollback = await disk.SshAsync("sudo ros os rollback");
        Assert.Contains($"os: CorralOS {a} boots by default from the next boot ({b} is kept as the previous version)", rollback, StringComparison.Ordinal);
        from = disk.Vm.Console.Length;
        await disk.RebootAsync();
        await AssertRunningAsync(disk, a, from);
        await AssertKeptAsync(disk);

        // A -> B again; this time `ros os upgrade -f` reboots by itself (the SSH session ends with the guest).
        from = disk.Vm.Console.Length;
        var (_, again) = await disk.SshUntilRebootAsync($"sudo ros os upgrade -i {image} -f 2>&1");
        Assert.Contains($"upgrade: CorralOS {b} boots once at the next boot", again, StringComparison.Ordinal);
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

/// <summary>The second OS version build/upgrade-os.sh makes: $CORRALOS_UPGRADE_OS, or dist/upgrade/os.tar.</summary>
internal static class UpgradeOsImage
{
    public static (string Archive, string Version) Locate()
    {
        var archive = Environment.GetEnvironmentVariable("CORRALOS_UPGRADE_OS") is { Length: > 0 } set
            ? set
            : Path.Combine(RepoPaths.Dist, "upgrade", "os.tar");
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
