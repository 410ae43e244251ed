using System.Diagnostics;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// A DNS server for a VM's boot: Debian's dnsmasq on 127.0.0.1 at a free port, answering only the names it is given
/// (--address) and nothing else (--no-resolv, --no-hosts: it never asks anyone). The guest reaches it through a
/// guestfwd, which carries TCP only, so the guest's resolver must use TCP (glibc's use-vc).
/// </summary>
public sealed class LoopbackDns : IDisposable
{
    private readonly Process _dnsmasq;

    /// <param name="records">name → IPv4 address.</param>
    public LoopbackDns(IReadOnlyDictionary<string, string> records)
    {
        Port = FreePorts.Next();
        var info = new ProcessStartInfo("dnsmasq") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--pid-file=",
            "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={Port}"])
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, address) in records)
        {
            info.ArgumentList.Add($"--address=/{name}/{address}");
        }
        _dnsmasq = Process.Start(info) ?? throw new InvalidOperationException("dnsmasq did not start");
        _ = _dnsmasq.StandardOutput.ReadToEndAsync();
        string? line;
        var seen = new List<string>();
        while ((line = _dnsmasq.StandardError.ReadLine()) is not null && !line.Contains("started, version", StringComparison.Ordinal))
        {
            seen.Add(line);
        }
        if (line is null)
        {
            throw new InvalidOperationException("dnsmasq exited: " + string.Join('\n', seen));
        }
        _ = _dnsmasq.StandardError.ReadToEndAsync();
    }

    /// <summary>The TCP (and UDP) port on 127.0.0.1.</summary>
    public int Port { get; }

    public void Dispose()
    {
        if (!_dnsmasq.HasExited)
        {
            _dnsmasq.Kill();
            _dnsmasq.WaitForExit();
        }
        _dnsmasq.Dispose();
    }
}
