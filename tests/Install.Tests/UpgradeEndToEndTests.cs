using System.Formats.Tar;
using System.Text.Json;
using System.Text.RegularExpressions;
using CorralOS.Engine.Tests;
using CorralOS.Init.Boot;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// `ros install` with BIOS and `ros os upgrade` end to end (issue 8), on one disk: version A (dist/) installed from the
/// ISO booted with SeaBIOS onto a blank disk (generic: GPT with BIOS boot partition and ESP), then booted alone with
/// SeaBIOS: the install's output, the version, the -c cloud-config and -a append in effect, GRUB on the console, no
/// EFI, and a second install refused while the disk is in use. The second version B (dist/upgrade/os.tar,
/// build/upgrade-os.sh: A's ros with another version in its os-release) is served by Debian's docker-registry on
/// 127.0.0.1, which the guest reaches through a guestfwd at 169.254.169.100:5000 (marked insecure for System Docker
/// by the install's cloud-config, as a user would). Upgrades to B have their power cut (QEMU killed) during the pull,
/// while B's files are written and right after grubenv names B: each time the disk boots A or B again, with grubenv,
/// menu and files consistent, and once the upgrade said B boots next, B boots. B is marked good; /home, /opt, a
/// config key, the hostname and the install's kernel append are kept throughout; `ros os rollback` and an upgrade to
/// a broken version C (its init exits; the power cut after it deleted B's files) make GRUB fall back to A by itself;
/// upgrading to B again works (rebooting by itself) and leaves exactly A's and B's files. One VM at a time: the ISO,
/// six boots of the disk and C's panic.
/// </summary>
public sealed class UpgradeEndToEndTests
{
    internal const string GuestRegistry = "169.254.169.100:5000";
    private const string StateBoot = "/proc/1/root/state/boot";
    private static readonly TimeSpan s_markGoodTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan s_upgradeTimeout = TimeSpan.FromMinutes(10);
    // Lines of a boot whose login prompt was already waited for: on the console by then.
    private static readonly TimeSpan s_shownBeforeLogin = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_ISO_installs_a_BIOS_disk_that_upgrades_from_a_registry_through_power_cuts_rolls_back_and_upgrades_again_keeping_data_config_and_append()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var a = RepoPaths.Version;
        await using var disk = new InstalledDisk(uefi: false,
            extraCloudConfig: $"rancher:\n  system_docker:\n    insecure_registry:\n      - {GuestRegistry}\n");
        InstallChecks.AssertInstallOutput(await disk.InstallAsync(), disk);
        Log(clock, "installed");
        await using var registry = await LocalRegistry.StartAsync();
        await disk.BootAsync([new GuestForward(registry.Port, "169.254.169.100", 5000)]);
        await AssertRunningAsync(disk, a, from: 0);
        await InstallChecks.AssertInstalledSystemAsync(disk);
        Assert.Contains("GNU GRUB", SerialConsole.Clean(disk.Vm.Console.Text), StringComparison.Ordinal);
        Assert.Equal("absent", (await disk.SshAsync("[ -d /sys/firmware/efi ] && echo present || echo absent")).Trim());
        // The state partition is mounted (bound at /home and friends): a new install onto the disk is refused.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => disk.SshAsync("sudo ros install -d /dev/vda -f --no-reboot"));
        Assert.Contains("ros: /dev/vda is in use: /dev/vda3 is mounted at ", refused.Message, StringComparison.Ordinal);
        await disk.SshAsync("echo home-kept > /home/rancher/upgrade-keep && echo opt-kept | sudo tee /opt/upgrade-keep >/dev/null"
            + " && sudo ros config set rancher.environment.UPGRADE_KEEP config-kept && sync");
        await AssertKeptAsync(disk);
        Log(clock, "first boot checked");

        var (archive, b) = UpgradeOsImage.Locate();
        Assert.NotEqual(a, b);
        await PushAsync(archive, $"corralos/os:{b}", $"{registry.Host}/corralos/os:{b}");
        var upgradeToB = $"sudo ros os upgrade -i {GuestRegistry}/corralos/os:{b} -f --no-reboot 2>&1";

        // Power cuts during A -> B. The pull goes to System Docker's store in RAM: the disk is as before.
        var cut = await disk.CutPowerWhenAsync(upgradeToB, new Regex(@"^upgrade: pull: \S+: Downloading"), s_upgradeTimeout);
        Assert.DoesNotContain("upgrade: writing", cut, StringComparison.Ordinal);
        await disk.BootAsync();
        await AssertRunningAsync(disk, a, from: 0);
        Assert.Equal(BootChoice.Installed(a), await AssertBootFilesConsistentAsync(disk, a));
        await AssertKeptAsync(disk);
        Log(clock, "power cut during the pull: A booted");

        // While B's files are written (each goes to NAME-B.tmp, flushed, then renamed): grubenv does not name B yet.
        // With --upgrade-console, which the default console does not need: it is in every version's initrd.
        cut = await disk.CutPowerWhenAsync(upgradeToB.Replace(" -f ", " --upgrade-console -f ", StringComparison.Ordinal),
            new Regex($@"^upgrade: writing /boot/initrd-{Regex.Escape(b)} \("), s_upgradeTimeout);
        Assert.Contains("upgrade: pull: ", cut, StringComparison.Ordinal);
        Assert.Contains("upgrade: --upgrade-console: console default is in every version's initrd; nothing to stage", cut, StringComparison.Ordinal);
        await disk.BootAsync();
        await AssertRunningAsync(disk, a, from: 0);
        Assert.Equal(BootChoice.Installed(a), await AssertBootFilesConsistentAsync(disk, a));
        await AssertKeptAsync(disk);
        Log(clock, "power cut while writing B's initrd: A booted");

        // From here the persistent Debian console is chosen, with A's image staged (as `ros console enable debian`
        // copies it from the ISO) but never run on A. The upgrade to B is without --upgrade-console: B's catalog asks
        // for B's console image, which nobody staged, so B keeps A's (not the default console).
        var consoleA = $"corralos/os-console-debian:{a}";
        await disk.SshWithInputAsync("sudo mkdir -p /var/lib/rancher/images && sudo tee /var/lib/rancher/images/os-console-debian.tar >/dev/null",
            RepoPaths.RequireFile(Path.Combine(RepoPaths.Dist, "consoles", "os-console-debian.tar")));
        await disk.SshAsync("sudo ros config set rancher.console debian && sync");

        // Right after the upgrade said B boots next (grubenv written): B boots, even though the guest never synced.
        cut = await disk.CutPowerWhenAsync(upgradeToB, new Regex($"^upgrade: CorralOS {Regex.Escape(b)} boots once at the next boot"), s_upgradeTimeout);
        Assert.Contains($"upgrade: writing /boot/initrd-{b} (", cut, StringComparison.Ordinal);
        await disk.BootAsync();
        await AssertRunningAsync(disk, b, from: 0);
        await disk.Vm.WaitForConsoleAsync($"service console: corralos/os-console-debian:{b} is not staged; console debian keeps {consoleA} (ros os upgrade --upgrade-console upgrades it)", s_shownBeforeLogin, 0, Ct);
        await AssertConsoleAsync(disk, consoleA);
        // What --upgrade-console will keep (/etc) and replace (/usr) later.
        await disk.SshAsync("echo etc-kept | sudo tee /etc/upgrade-console-keep >/dev/null && echo usr-replaced | sudo tee /usr/local/upgrade-console-replaced >/dev/null && sync");
        await disk.Vm.WaitForConsoleAsync($"init: CorralOS {b} marked good: it boots by default from now on ({a} is the rollback)", s_markGoodTimeout, 0, Ct);
        Assert.Equal(new BootChoice(b, a, null, 0, null), await AssertBootFilesConsistentAsync(disk, b));
        await AssertKeptAsync(disk);
        Log(clock, "power cut after grubenv named B: B booted and was marked good");

        // Rollback, then at once an upgrade to a broken version C whose init exits, its power cut after it deleted B's
        // files: A (the rollback's default) stays the default, C is tried once, the kernel panics and reboots, and GRUB
        // abandons C and boots A by itself, with the data and the install's append. (GrubFallbackTests has GRUB's part
        // alone; this is the whole path.)
        var rollback = await disk.SshAsync("sudo ros os rollback");
        Assert.Contains($"os: CorralOS {a} boots by default from the next boot ({b} is kept as the previous version)", rollback, StringComparison.Ordinal);
        var (brokenArchive, c) = UpgradeOsImage.LocateBroken(archive);
        Assert.NotEqual(a, c);
        await PushAsync(brokenArchive, $"corralos/os:{c}", $"{registry.Host}/corralos/os:{c}");
        var toBroken = await disk.CutPowerWhenAsync($"sudo ros os upgrade -i {GuestRegistry}/corralos/os:{c} -f --no-reboot 2>&1",
            new Regex($"^upgrade: deleted /boot/initrd-{Regex.Escape(b)}$"), s_upgradeTimeout);
        Assert.Contains($"upgrade: CorralOS {c} boots once at the next boot", toBroken, StringComparison.Ordinal);
        await disk.BootAsync();
        var exited = await disk.Vm.WaitForConsoleAsync($"init: CorralOS {c} is a deliberately broken version: its init exits", s_shownBeforeLogin, 0, Ct);
        var panic = await disk.Vm.WaitForConsoleAsync("Kernel panic - not syncing: Attempted to kill init!", s_shownBeforeLogin, exited.End, Ct);
        var fallback = await disk.Vm.WaitForConsoleAsync($"CorralOS {c} did not reach started: booting {a}", s_shownBeforeLogin, panic.End, Ct);
        await AssertRunningAsync(disk, a, fallback.End);
        Assert.Equal(new BootChoice(a, null, null, 0, c), await AssertBootFilesConsistentAsync(disk, a));
        await AssertKeptAsync(disk);
        // A's own console image is staged: A runs it, on the console's volumes as B left them.
        await AssertConsoleAsync(disk, consoleA);
        Assert.Equal("etc-kept\nusr-replaced", (await disk.SshAsync("cat /etc/upgrade-console-keep /usr/local/upgrade-console-replaced")).Trim());
        Log(clock, "power cut after the upgrade to C deleted B: C panicked, A booted");

        // A -> B again, with --upgrade-console: B's console image is pulled from the OS image's registry and staged
        // before any boot file is written; this time `ros os upgrade -f` reboots by itself (the SSH session ends with
        // the guest). B's first boot gives the console's /usr and /var volumes B's image's content and keeps /etc.
        var consoleB = $"corralos/os-console-debian:{b}";
        await PushAsync(UpgradeOsImage.LocateConsole(archive), consoleB, $"{registry.Host}/corralos/os-console-debian:{b}");
        var from = disk.Vm.Console.Length;
        var (_, again) = await disk.SshUntilRebootAsync($"sudo ros os upgrade -i {GuestRegistry}/corralos/os:{b} --upgrade-console -f 2>&1");
        Assert.Contains($"upgrade: pulling {GuestRegistry}/corralos/os-console-debian:{b}", again, StringComparison.Ordinal);
        var staged = $"upgrade: console debian: staged {consoleB} as /var/lib/rancher/images/os-console-debian.tar";
        Assert.Contains(staged, again, StringComparison.Ordinal);
        Assert.True(again.IndexOf(staged, StringComparison.Ordinal) < again.IndexOf("upgrade: writing /boot/", StringComparison.Ordinal), again);
        Assert.Contains($"upgrade: CorralOS {b} boots once at the next boot", again, StringComparison.Ordinal);
        Assert.Contains($"upgrade: deleted /boot/initrd-{c}", again, StringComparison.Ordinal);
        await disk.WaitForSshAsync(from);
        await AssertRunningAsync(disk, b, from);
        await disk.Vm.WaitForConsoleAsync($"service console: upgraded to {consoleB}: console-debian-usr, console-debian-var start again from it; the others are kept", s_shownBeforeLogin, from, Ct);
        await AssertConsoleAsync(disk, consoleB);
        Assert.Equal("etc-kept", (await disk.SshAsync("cat /etc/upgrade-console-keep")).Trim());
        Assert.Equal("replaced", (await disk.SshAsync("[ -e /usr/local/upgrade-console-replaced ] && echo kept || echo replaced")).Trim());
        Assert.Equal("absent", (await disk.SshAsync("[ -e /var/lib/rancher/console-upgrade ] && echo present || echo absent")).Trim());
        await disk.Vm.WaitForConsoleAsync($"init: CorralOS {b} marked good: it boots by default from now on ({a} is the rollback)", s_markGoodTimeout, from, Ct);
        Assert.Equal(new BootChoice(b, a, null, 0, null), await AssertBootFilesConsistentAsync(disk, b));
        Assert.Equal(OsFileNames.SelectMany(n => new[] { $"{n}-{a}", $"{n}-{b}" }).Order(StringComparer.Ordinal),
            (await BootListingAsync(disk)).Where(f => OsFileNames.Any(n => f.StartsWith(n + "-", StringComparison.Ordinal))));
        await AssertKeptAsync(disk);
        Log(clock, "upgraded to B again");
    }

    /// <summary>The version booted after console offset <paramref name="from"/> is <paramref name="version"/> everywhere it shows, with the install's append.</summary>
    internal static async Task AssertRunningAsync(InstalledDisk disk, string version, int from)
    {
        var booting = await disk.Vm.WaitForConsoleAsync(new Regex(@"CorralOS (\S+) booting"), InstalledDisk.BootTimeout, from, Ct);
        Assert.Equal($"CorralOS {version} booting", booting.Value);
        Assert.Equal(version, (await disk.SshAsync("ros os version")).Trim());
        Assert.Contains(version, await disk.SshAsync("ros --version"), StringComparison.Ordinal);
        var cmdline = (await disk.SshAsync("cat /proc/cmdline")).Trim();
        Assert.Contains($"/boot/vmlinuz-{version} ", cmdline, StringComparison.Ordinal);
        Assert.EndsWith(InstalledDisk.Append, cmdline, StringComparison.Ordinal);
    }

    /// <summary>
    /// grubenv on the disk names a default (and maybe a try and a previous version) whose files are all on /boot and
    /// which all have a menu entry, and the running version is the default or the try; its choice.
    /// </summary>
    private static async Task<BootChoice> AssertBootFilesConsistentAsync(InstalledDisk disk, string running)
    {
        var grubenv = Path.Combine(Directory.CreateTempSubdirectory("corralos-grubenv-").FullName, "grubenv");
        await File.WriteAllTextAsync(grubenv, await disk.SshAsync($"sudo cat {StateBoot}/grub/grubenv"), Ct);
        var choice = BootChoice.From(GrubEnvironment.Read(grubenv));
        Directory.Delete(Path.GetDirectoryName(grubenv)!, recursive: true);
        Assert.NotNull(choice);
        Assert.True(running == choice.Default || running == choice.Trying, $"{running} runs, but grubenv has {choice}");
        var files = await BootListingAsync(disk);
        var menu = await disk.SshAsync($"sudo cat {StateBoot}/grub/grub.cfg");
        foreach (var version in choice.Versions)
        {
            foreach (var name in OsFileNames)
            {
                Assert.Contains($"{name}-{version}", files);
            }
            Assert.Contains($"--id \"corralos-{version}\"", menu, StringComparison.Ordinal);
        }
        return choice;
    }

    private static async Task<List<string>> BootListingAsync(InstalledDisk disk) =>
        [.. (await disk.SshAsync($"sudo ls {StateBoot}")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];

    /// <summary>The files of one version (images/os/files.list), each /boot/NAME-VERSION.</summary>
    private static List<string> OsFileNames =>
        [.. File.ReadAllLines(Path.Combine(RepoPaths.Root, "images", "os", "files.list")).Select(l => l.Split('#', 2)[0].Trim()).Where(l => l.Length > 0)];

    private static void Log(System.Diagnostics.Stopwatch clock, string what) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed:mm\\:ss} {what}");

    /// <summary>The Debian console runs (sshd answered in it) on <paramref name="image"/>.</summary>
    private static async Task AssertConsoleAsync(InstalledDisk disk, string image)
    {
        Assert.Contains("current debian", await disk.SshAsync("sudo ros console list"), StringComparison.Ordinal);
        Assert.Equal(image, (await disk.SshAsync("sudo system-docker inspect --format '{{.Config.Image}}' console")).Trim());
        Assert.Contains("Debian", await disk.SshAsync("cat /usr/lib/os-release"), StringComparison.Ordinal);
    }

    private static async Task AssertKeptAsync(InstalledDisk disk)
    {
        Assert.Equal(disk.Hostname, (await disk.SshAsync("hostname")).Trim());
        Assert.Equal("home-kept", (await disk.SshAsync("cat /home/rancher/upgrade-keep")).Trim());
        Assert.Equal("opt-kept", (await disk.SshAsync("cat /opt/upgrade-keep")).Trim());
        Assert.Equal("config-kept", (await disk.SshAsync("sudo ros config get rancher.environment.UPGRADE_KEEP")).Trim());
        Assert.Equal(GuestRegistry, (await disk.SshAsync("sudo ros config get rancher.system_docker.insecure_registry")).Trim().TrimStart('-', ' '));
    }

    // Loads B's archive into an engine of this process and pushes it with the docker CLI, as a release would be published.
    internal static async Task PushAsync(string archive, string tag, string target)
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

    /// <summary>B's Debian console image (corralos/os-console-debian:B), beside B's OS image.</summary>
    public static string LocateConsole(string upgradeArchive) =>
        RepoPaths.RequireFile(Path.Combine(Path.GetDirectoryName(upgradeArchive)!, "os-console-debian.tar"));

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
