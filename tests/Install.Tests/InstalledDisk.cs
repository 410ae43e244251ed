using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Install.Tests;

/// <summary>
/// One install scenario: a blank disk file, an SSH key, the ISO booted (PID 1's shell on the serial console) with the
/// disk as /dev/vda, `ros install` run there, then the disk booted alone with the same firmware. The cloud-config given
/// with -c authorizes the key and sets the hostname, so logging in over SSH shows it was applied.
/// </summary>
public sealed class InstalledDisk : IAsyncDisposable
{
    public const string Append = "corralos.install_test=kept";
    public static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-install-").FullName;
    private readonly bool _uefi;
    private readonly string _extraCloudConfig;
    private QemuVm? _vm;
    private IReadOnlyList<GuestForward> _guestForwards = [];

    /// <param name="uefi">OVMF for both boots, else SeaBIOS.</param>
    /// <param name="installType">`ros install -t`: generic, msdos, or noformat (the test prepares <see cref="Disk"/> first).</param>
    /// <param name="extraCloudConfig">More top-level cloud-config (YAML lines) for the -c file.</param>
    public InstalledDisk(bool uefi, string installType = "generic", string extraCloudConfig = "")
    {
        _uefi = uefi;
        _extraCloudConfig = extraCloudConfig;
        InstallType = installType;
        Disk = Path.Combine(_dir, "disk.img");
        using var file = File.Create(Disk);
        file.SetLength(2L * 1024 * 1024 * 1024);
    }

    public string Disk { get; }

    public string InstallType { get; }

    /// <summary>The RANCHER_STATE partition the layout makes.</summary>
    public string StatePartition => InstallType switch
    {
        "msdos" => "/dev/vda1",
        "noformat" => NoFormatDisk.StatePartition,
        _ => "/dev/vda3",
    };

    public string Hostname => $"installed-{InstallType}-{(_uefi ? "uefi" : "bios")}";

    private string Key => Path.Combine(_dir, "id_ed25519");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public QemuVm Vm => _vm ?? throw new InvalidOperationException("the installed disk has not booted");

    /// <summary>Boots the ISO with the blank disk and runs `ros install`; returns its output.</summary>
    public async Task<string> InstallAsync()
    {
        var (code, output) = await Tools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Key], Ct);
        Assert.True(code == 0, output);
        var cloudConfig = $"#cloud-config\nhostname: {Hostname}\nssh_authorized_keys:\n  - {File.ReadAllText(Key + ".pub").Trim()}\n{_extraCloudConfig}";
        await using var iso = await QemuVm.StartAsync(new QemuOptions
        {
            Name = $"install-iso-{InstallType}-{(_uefi ? "uefi" : "bios")}",
            Boot = _uefi ? BootMode.IsoUefi : BootMode.IsoBios,
            DiskImage = Disk,
            Network = false,
        }, Ct);
        try
        {
            await iso.WaitForConsoleAsync(new Regex("init: boot phases done"), BootTimeout, cancellationToken: Ct);
            await iso.WaitForShellAsync(TimeSpan.FromMinutes(2), cancellationToken: Ct);
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(cloudConfig));
            (await iso.RunAsync($"echo {encoded} | base64 -d > /tmp/user_config.yml", cancellationToken: Ct)).EnsureSuccess("writing the cloud-config");
            var install = await iso.RunAsync($"ros install -d /dev/vda -t {InstallType} -f --no-reboot -c /tmp/user_config.yml -a '{Append}'", s_installTimeout, Ct);
            install.EnsureSuccess("ros install");
            await iso.SendLineAsync("poweroff", Ct);
            Assert.Equal(0, await iso.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct));
            return install.Output;
        }
        catch
        {
            iso.MarkFailed();
            throw;
        }
    }

    /// <summary>
    /// Boots the installed disk alone in a new VM (guest reboots restart it; a VM of an earlier boot is killed first)
    /// and waits until SSH answers.
    /// </summary>
    /// <param name="guestForwards">guestfwd entries to local servers (the guest network is then 169.254.169.0/24); null: those of the last boot.</param>
    public async Task BootAsync(IReadOnlyList<GuestForward>? guestForwards = null)
    {
        _guestForwards = guestForwards ?? _guestForwards;
        if (_vm is not null)
        {
            await _vm.DisposeAsync();
        }
        _vm = await QemuVm.StartAsync(new QemuOptions
        {
            Name = $"installed-{InstallType}-{(_uefi ? "uefi" : "bios")}",
            Boot = _uefi ? BootMode.DiskUefi : BootMode.DiskBios,
            DiskImage = Disk,
            InitShell = false,
            AllowReboot = true,
            GuestForwards = _guestForwards,
        }, Ct);
        await WaitForSshAsync(0);
    }

    /// <summary>
    /// Runs a command over SSH and cuts the power as soon as a line of its output matches <paramref name="cutAt"/>:
    /// QEMU is killed (SIGKILL), so whatever the guest had not yet written to its disk (its page cache, an uncommitted
    /// journal) is lost, as in a power failure; what it had written stays in the disk file. Returns the output up to
    /// that line; <see cref="BootAsync"/> boots the disk again.
    /// </summary>
    public async Task<string> CutPowerWhenAsync(string command, Regex cutAt, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in SshArguments(command, connectTimeout: true))
        {
            start.ArgumentList.Add(argument);
        }
        using var ssh = Process.Start(start) ?? throw new InvalidOperationException("ssh did not start");
        var errors = ssh.StandardError.ReadToEndAsync(Ct);
        var seen = new StringBuilder();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(timeout);
        try
        {
            while (await ssh.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                seen.Append(line).Append('\n');
                if (cutAt.IsMatch(line))
                {
                    await Vm.DisposeAsync();
                    _vm = null;
                    ssh.Kill();
                    await ssh.WaitForExitAsync(Ct);
                    return seen.ToString();
                }
            }
            await ssh.WaitForExitAsync(Ct);
            Vm.MarkFailed();
            throw new InvalidOperationException($"ssh '{command}' ended (exit {ssh.ExitCode}) before a line matched {cutAt}: {seen}{await errors}");
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            ssh.Kill();
            Vm.MarkFailed();
            throw new TimeoutException($"ssh '{command}': no line matched {cutAt} within {timeout.TotalSeconds:0} s: {seen}");
        }
    }

    /// <summary>
    /// Waits for the console's login prompt after console offset <paramref name="from"/> (sshd runs in the console), then
    /// for sshd to let the key in. Not for `started`: that waits for User Docker too, whose image takes minutes to load
    /// under TCG.
    /// </summary>
    public async Task WaitForSshAsync(int from)
    {
        try
        {
            await Vm.WaitForConsoleAsync(new Regex(@"login: "), BootTimeout, from, Ct);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (true)
            {
                try
                {
                    await SshAsync("true");
                    return;
                }
                catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(TimeSpan.FromSeconds(3), Ct);
                }
            }
        }
        catch
        {
            Vm.MarkFailed();
            throw;
        }
    }

    /// <summary>Runs a command over SSH as rancher; its output, or an exception with it.</summary>
    public async Task<string> SshAsync(string command)
    {
        var (code, output) = await Tools.RunAsync("ssh", SshArguments(command, connectTimeout: true), Ct);
        return code == 0 ? output : throw new InvalidOperationException($"ssh '{command}' exited {code}: {output}");
    }

    /// <summary>Runs a command over SSH as rancher with <paramref name="inputFile"/> as its standard input; its output, or an exception.</summary>
    public async Task<string> SshWithInputAsync(string command, string inputFile)
    {
        var start = new ProcessStartInfo("ssh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in SshArguments(command, connectTimeout: true))
        {
            start.ArgumentList.Add(argument);
        }
        using var ssh = Process.Start(start) ?? throw new InvalidOperationException("ssh did not start");
        var output = ssh.StandardOutput.ReadToEndAsync(Ct);
        var errors = ssh.StandardError.ReadToEndAsync(Ct);
        await using (var input = File.OpenRead(inputFile))
        {
            await input.CopyToAsync(ssh.StandardInput.BaseStream, Ct);
        }
        ssh.StandardInput.Close();
        await ssh.WaitForExitAsync(Ct);
        return ssh.ExitCode == 0 ? await output : throw new InvalidOperationException($"ssh '{command}' < {inputFile} exited {ssh.ExitCode}: {await output}{await errors}");
    }

    /// <summary>Runs a command over SSH that reboots the guest at its end: its exit code (255 when the reboot cut the session) and output.</summary>
    public Task<(int Code, string Output)> SshUntilRebootAsync(string command) =>
        Tools.RunAsync("ssh", SshArguments(command, connectTimeout: false), Ct);

    /// <summary>Reboots the guest from inside and waits for it to answer again.</summary>
    public async Task RebootAsync()
    {
        var from = Vm.Console.Length;
        await Tools.RunAsync("ssh", SshArguments("sudo reboot", connectTimeout: false), Ct);
        await WaitForSshAsync(from);
    }

    private List<string> SshArguments(string command, bool connectTimeout) =>
    [
        "-i", Key, "-p", Vm.SshPort.ToString(CultureInfo.InvariantCulture),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
        .. connectTimeout ? new[] { "-o", "ConnectTimeout=20" } : [],
        "-o", "LogLevel=ERROR", "rancher@127.0.0.1", command,
    ];

    public async ValueTask DisposeAsync()
    {
        if (_vm is not null)
        {
            await _vm.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
