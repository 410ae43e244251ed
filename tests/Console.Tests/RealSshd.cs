using System.Diagnostics;
using System.Text;

namespace CorralOS.Console.Tests;

/// <summary>
/// The real sshd, started from a console tree's rendered sshd_config and host keys (every type's, missing ones
/// included), listening on 127.0.0.1. sshd looks users up in /etc/passwd and writes /run/sshd.pid, so it runs in a
/// private mount namespace where the tree's /etc/passwd, group, shadow, /home and /run are bound over the host's.
/// </summary>
internal sealed class RealSshd : IAsyncDisposable
{
    private readonly Process _process;

    private RealSshd(Process process) => _process = process;

    public static async Task<RealSshd> StartAsync(ConsoleTree tree, int port)
    {
        Assert.True(File.Exists("/usr/sbin/sshd"), "openssh-server is needed (build/install-deps.sh installs it)");
        var binds = string.Join("; ", new[] { "etc/passwd", "etc/group", "etc/shadow", "home", "run" }
            .Select(p => $"mount --bind {tree.Path(p)} /{p}"));
        var hostKeys = string.Join(' ', SshHostKeys.Types.Select(t => $"-h {tree.Path($"etc/ssh/ssh_host_{t}_key")}"));
        var script = $"mount --make-rprivate /; {binds}; exec /usr/sbin/sshd -D -e -f {tree.Path("etc/ssh/sshd_config")} {hostKeys}";
        var start = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "--mount", "--", "/bin/sh", "-c", script })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var log = new StringBuilder();
        var listening = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
            if (e.Data?.Contains($"Server listening on 127.0.0.1 port {port}", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        var sshd = new RealSshd(process);
        await Task.WhenAny(listening.Task, process.WaitForExitAsync(TestContext.Current.CancellationToken));
        if (!listening.Task.IsCompleted)
        {
            await sshd.DisposeAsync();
            lock (log)
            {
                Assert.Fail($"sshd did not start: {log}");
            }
        }
        return sshd;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
