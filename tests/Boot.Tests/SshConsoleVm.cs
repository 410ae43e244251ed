using System.Globalization;
using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// A VM whose console service runs (no rancher.init_shell): booted once the console says `started`, shows a login
/// (or an auto-login) and sshd answers as rancher with a key made for the VM, which the VM's cloud-config must carry
/// (<see cref="AuthorizedKeys"/>).
/// </summary>
public abstract class SshConsoleVm : BootedVm
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-ssh-").FullName;

    protected string Key => Path.Combine(_dir, "id_ed25519");

    /// <summary>A working directory that lives as long as the VM.</summary>
    protected string Dir => _dir;

    /// <summary>The cloud-config lines that authorize the VM's key for rancher.</summary>
    protected string AuthorizedKeys => $"ssh_authorized_keys:\n  - {File.ReadAllText(Key + ".pub").Trim()}\n";

    /// <summary>What the console prints when it is ready for a user: a login prompt, unless an auto-login shell.</summary>
    protected virtual Regex ConsoleReady => new(@"login: ");

    protected override async Task PrepareAsync()
    {
        var (code, output) = await Tools.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Key], CancellationToken.None);
        Assert.True(code == 0, output);
    }

    protected override async Task ReadyAsync(QemuVm vm) => await WaitForSshAsync(vm, 0);

    /// <summary>Waits for `started` and the console's prompt after console offset <paramref name="from"/>, then for sshd.</summary>
    public async Task WaitForSshAsync(QemuVm vm, int from)
    {
        await vm.WaitForConsoleAsync(new Regex(@"CorralOS \S+ started"), BootTimeout, from);
        // console-init makes the SSH host keys first (RSA takes a while under TCG): give the prompt the boot's time.
        await vm.WaitForConsoleAsync(ConsoleReady, BootTimeout, from);
        // sshd is up once the console prints its prompt; DHCP may still be on its way.
        var deadline = DateTime.UtcNow + ShellTimeout;
        while (true)
        {
            try
            {
                await SshAsync("true");
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
        }
    }

    /// <summary>Runs a command over SSH as rancher; its stdout, or an exception with stderr.</summary>
    public async Task<string> SshAsync(string command)
    {
        var (code, output) = await Tools.RunAsync("ssh",
        [
            "-i", Key, "-p", Vm.SshPort.ToString(CultureInfo.InvariantCulture),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "rancher@127.0.0.1", command,
        ], CancellationToken.None);
        return code == 0 ? output : throw new InvalidOperationException($"ssh '{command}' exited {code}: {output}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
