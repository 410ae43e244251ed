using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CorralOS.Testing;

/// <summary>
/// `make bench`'s install and upgrade figures (issue 8 point 6), one run each, as tests/Install.Tests does them:
/// the ISO booted with SeaBIOS installs onto a blank 2 GiB virtio disk (`ros install -d /dev/vda -t generic`), timed in
/// the guest (/proc/uptime around the command) and from the host (command typed -> exit status back), with the time of
/// each `install:` step as the console showed it; the installed disk's first boot (QEMU start -> `booting`, login
/// prompt, SSH, `started`); then, given the second version's archive, `ros os upgrade -f --no-reboot` from Debian's
/// docker-registry on 127.0.0.1 reached through a guestfwd, split into the pull (to the last `upgrade: pull:` line, by
/// the guest's clock) and the write (the rest: the new version's installer container, boot files, grub.cfg, grubenv).
/// </summary>
internal static class InstallFigures
{
    private const string GuestRegistry = "169.254.169.100:5000";
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(string? upgradeArchive, string upgradeNote)
    {
        var version = RepoPaths.Version;
        var accel = await AcceleratorProbe.ResolveAsync();
        var dir = Directory.CreateTempSubdirectory("corralos-bench-install-").FullName;
        try
        {
            var key = Path.Combine(dir, "id_ed25519");
            var (code, output) = await Tools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
            if (code != 0)
            {
                throw new InvalidOperationException("ssh-keygen: " + output);
            }
            var disk = Path.Combine(dir, "disk.img");
            await using (var file = File.Create(disk))
            {
                file.SetLength(2L * 1024 * 1024 * 1024);
            }

            Console.WriteLine();
            Console.WriteLine($"Install and upgrade (one run each): accelerator {accel}, 1 vCPU, 2048 MiB, SeaBIOS, blank 2 GiB raw virtio disk");
            var cloudConfig = $"#cloud-config\nssh_authorized_keys:\n  - {File.ReadAllText(key + ".pub").Trim()}\n" +
                              $"rancher:\n  system_docker:\n    insecure_registry:\n      - {GuestRegistry}\n";
            var installSeconds = await InstallAsync(disk, cloudConfig);

            await using var registry = upgradeArchive is null ? null : await BenchRegistry.StartAsync();
            await using var vm = await QemuVm.StartAsync(new QemuOptions
            {
                Name = "bench-installed",
                Boot = BootMode.DiskBios,
                DiskImage = disk,
                InitShell = false,
                AllowReboot = true,
                GuestForwards = registry is null ? [] : [new GuestForward(registry.Port, "169.254.169.100", 5000)],
            });
            Console.WriteLine("  first boot of the installed disk, from QEMU start:");
            var booting = await vm.WaitForConsoleAsync($"CorralOS {version} booting", s_timeout);
            Figure($"    `CorralOS {version} booting`", booting.At.TotalSeconds);
            var login = await vm.WaitForConsoleAsync(new Regex("login: "), s_timeout);
            Figure("    login prompt", login.At.TotalSeconds);
            while ((await BootToSsh.SshAsync(vm, key, "true")).Code != 0 && vm.Elapsed < s_timeout)
            {
                await Task.Delay(500);
            }
            Figure("    SSH answering (`ssh true` every 0.5 s)", vm.Elapsed.TotalSeconds);
            var started = await vm.WaitForConsoleAsync($"CorralOS {version} started", s_timeout);
            Figure($"    `CorralOS {version} started`", started.At.TotalSeconds);
            Figure("  install + first boot to `started` (host)", installSeconds + started.At.TotalSeconds, "  (ISO poweroff and QEMU start left out)");

            Console.WriteLine();
            if (registry is null || upgradeArchive is null)
            {
                Console.WriteLine($"Upgrade from a local registry: not measured ({upgradeNote})");
                return;
            }
            await UpgradeAsync(vm, key, registry, upgradeArchive);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<double> InstallAsync(string disk, string cloudConfig)
    {
        await using var iso = await QemuVm.StartAsync(new QemuOptions { Name = "bench-install-iso", Boot = BootMode.IsoBios, DiskImage = disk, Network = false });
        await iso.WaitForConsoleAsync("init: boot phases done", s_timeout);
        await iso.WaitForShellAsync(TimeSpan.FromMinutes(2));
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(cloudConfig));
        (await iso.RunAsync($"echo {encoded} | base64 -d > /tmp/user_config.yml")).EnsureSuccess("writing the cloud-config");
        var from = iso.Console.Length;
        var sent = iso.Elapsed;
        var install = await iso.RunAsync(
            "read a _ </proc/uptime; ros install -d /dev/vda -t generic -f --no-reboot -c /tmp/user_config.yml; s=$?; " +
            "read b _ </proc/uptime; echo \"bench-guest $a $b\"; [ $s = 0 ]", s_timeout);
        var host = iso.Elapsed - sent;
        install.EnsureSuccess("ros install");
        var guest = Regex.Match(install.Output, @"bench-guest (\S+) (\S+)");
        Console.WriteLine("  `ros install -d /dev/vda -t generic -f --no-reboot -c FILE` from the booted ISO:");
        Figure("    guest (/proc/uptime around it)", Seconds(guest.Groups[2].Value) - Seconds(guest.Groups[1].Value));
        Figure("    host (typed -> exit status back)", host.TotalSeconds);
        var text = iso.Console.TextFrom(from);
        var steps = Regex.Matches(text, @"install: [^\r\n]*")
            .Select(m => (At: (iso.Console.TimeAt(from + m.Index + m.Length) - sent).TotalSeconds, Text: m.Value)).ToList();
        var loaded = steps.FirstOrDefault(l => l.Text.StartsWith("install: loaded ", StringComparison.Ordinal)).At;
        Figure("      loading the OS image from the ISO", loaded, "  (to `install: loaded`)");
        Figure("      the installer container's part", host.TotalSeconds - loaded, "  (partitions, files, GRUB)");
        Console.WriteLine("    its steps as the console showed them (host seconds since the command was typed; 25/50/75% lines left out):");
        foreach (var (at, line) in steps.Where(l => !IsPercent(l.Text)))
        {
            Console.WriteLine($"      {at,7:0.0}  {line}");
        }
        await iso.SendLineAsync("poweroff");
        await iso.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return host.TotalSeconds;
    }

    private static async Task UpgradeAsync(QemuVm vm, string key, BenchRegistry registry, string archive)
    {
        var tag = UpgradeTag(archive);
        var push = Stopwatch.StartNew();
        await registry.PushAsync(archive, "corralos/os", tag);
        Console.WriteLine($"Upgrade from a local registry: corralos/os:{tag} ({new FileInfo(archive).Length / 1048576.0:0.0} MiB archive), " +
                          $"Debian's docker-registry on 127.0.0.1, guestfwd {GuestRegistry}");
        Figure("  push from the host (not part of the upgrade)", push.Elapsed.TotalSeconds);
        var sent = Stopwatch.StartNew();
        var (code, output) = await BootToSsh.SshAsync(vm, key,
            "read a _ </proc/uptime; echo \"bench-t $a start\"; " +
            $"sudo ros os upgrade -i {GuestRegistry}/corralos/os:{tag} -f --no-reboot 2>&1 | while IFS= read -r l; do read u _ </proc/uptime; echo \"bench-t $u $l\"; done; " +
            "read b _ </proc/uptime; echo \"bench-t $b end\"");
        var host = sent.Elapsed;
        var lines = Regex.Matches(output, @"(?m)^bench-t (\S+) (.*)$").Select(m => (At: Seconds(m.Groups[1].Value), Text: m.Groups[2].Value.TrimEnd('\r'))).ToList();
        if (code != 0 || lines.Count < 2 || !lines.Any(l => l.Text.Contains("boots once at the next boot", StringComparison.Ordinal)))
        {
            Console.WriteLine($"  `ros os upgrade` did not finish (ssh exit {code}):");
            Console.WriteLine(output);
            return;
        }
        var start = lines[0].At;
        var end = lines[^1].At;
        var pullEnd = lines.LastOrDefault(l => l.Text.StartsWith("upgrade: pull", StringComparison.Ordinal)).At;
        Console.WriteLine($"  `ros os upgrade -i IMAGE -f --no-reboot` over SSH:");
        Figure("    guest (/proc/uptime around it)", end - start);
        var downloaded = lines.LastOrDefault(l => l.Text.EndsWith(": Download complete", StringComparison.Ordinal)).At;
        Figure("      pull (to the last `upgrade: pull:` line)", pullEnd - start);
        Figure("        download (to the last `Download complete`)", downloaded - start);
        Figure("        extract (the rest of the pull)", pullEnd - downloaded);
        Figure("      write (installer container, boot files)", end - pullEnd);
        Figure("    host (ssh command)", host.TotalSeconds);
        Console.WriteLine("    its lines (guest seconds since the command started; 25/50/75% lines left out):");
        foreach (var (at, text) in lines.Skip(1).SkipLast(1).Where(l => !IsPercent(l.Text)))
        {
            Console.WriteLine($"      {at - start,7:0.0}  {text}");
        }
    }

    // The archive's tag (corralos/os:TAG in its manifest.json), which names the version B is.
    private static string UpgradeTag(string archive)
    {
        using var file = File.OpenRead(archive);
        using var reader = new TarReader(file);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == "manifest.json" && entry.DataStream is { } data)
            {
                var repoTag = JsonDocument.Parse(data).RootElement[0].GetProperty("RepoTags")[0].GetString()!;
                return repoTag[(repoTag.LastIndexOf(':') + 1)..];
            }
        }
        throw new InvalidOperationException($"{archive} has no manifest.json");
    }

    // One figure: an indented label, seconds in a column, a note.
    private static void Figure(string label, double seconds, string note = "") =>
        Console.WriteLine($"{label,-52} {seconds,8:0.000} s{note}");

    // Progress lines past 0%: the start and end of each step show the rate well enough.
    private static bool IsPercent(string line) => Regex.IsMatch(line, @": [1-9]\d*%$");

    private static double Seconds(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
