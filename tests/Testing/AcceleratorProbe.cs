using System.Diagnostics;

namespace CorralOS.Testing;

/// <summary>
/// Decides between KVM and TCG. KVM is used only when /dev/kvm opens read-write and a short probe VM (SeaBIOS with
/// <c>-cpu host</c>, its debug port captured) runs to "No bootable device". Nested or broken KVM often passes the
/// open but fails the probe (an MSR assertion, or a hang), so the probe is what counts: the firmware, then dist/vmlinuz to its
/// panic without a root file system. CORRALOS_ACCEL=tcg|kvm forces one.
/// </summary>
public static class AcceleratorProbe
{
    private static readonly Lazy<Task<bool>> s_kvmWorks = new(ProbeKvmAsync);

    /// <summary>The accelerator to use for <paramref name="requested"/>, after CORRALOS_ACCEL and the KVM probe.</summary>
    public static async Task<Accelerator> ResolveAsync(Accelerator requested = Accelerator.Auto)
    {
        var forced = Environment.GetEnvironmentVariable("CORRALOS_ACCEL")?.Trim().ToLowerInvariant();
        switch (forced)
        {
            case "tcg":
                return Accelerator.Tcg;
            case "kvm":
                return Accelerator.Kvm;
            case null or "" or "auto":
                break;
            default:
                throw new InvalidOperationException($"CORRALOS_ACCEL={forced}: expected tcg, kvm or auto");
        }

        if (requested != Accelerator.Auto)
        {
            return requested;
        }

        return await s_kvmWorks.Value.ConfigureAwait(false) ? Accelerator.Kvm : Accelerator.Tcg;
    }

    /// <summary>The QEMU arguments for an accelerator (never Auto).</summary>
    public static string[] Args(Accelerator accel) => accel switch
    {
        // -cpu max: chosen when NativeAOT code needed x86-64-v2 (SSE4.2, POPCNT), which TCG's default qemu64 lacks. Session
        // 17's direct boots ran the whole system on qemu64, so that reason is in doubt (docs/init.md); not changed yet.
        Accelerator.Tcg => ["-accel", "tcg", "-cpu", "max"],
        Accelerator.Kvm => ["-accel", "kvm", "-cpu", "host"],
        _ => throw new ArgumentOutOfRangeException(nameof(accel)),
    };

    private static async Task<bool> ProbeKvmAsync()
    {
        try
        {
            using (File.Open("/dev/kvm", FileMode.Open, FileAccess.ReadWrite))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        var dir = Directory.CreateTempSubdirectory("corralos-kvm-probe-");
        try
        {
            string[] machine = ["-accel", "kvm", "-cpu", "host", "-machine", "q35", "-nodefaults", "-display", "none", "-no-reboot"];
            var firmwareLog = Path.Combine(dir.FullName, "seabios.log");
            if (!await RunsToAsync([.. machine, "-m", "64", "-chardev", $"file,id=dbg,path={firmwareLog}", "-device", "isa-debugcon,iobase=0x402,chardev=dbg"],
                    firmwareLog, "No bootable device", TimeSpan.FromSeconds(10)).ConfigureAwait(false))
            {
                return false;
            }
            // The firmware alone is not enough: on one CI machine SeaBIOS and GRUB ran under KVM but the kernel hung
            // before its first line, and every VM waited out its boot timeout. The kernel, without an initrd, must run
            // to its panic for want of a root file system (panic=-1: at once; -no-reboot: QEMU then exits).
            if (!File.Exists(RepoPaths.Kernel))
            {
                return true;
            }
            var consoleLog = Path.Combine(dir.FullName, "console.log");
            return await RunsToAsync([.. machine, "-m", "256", "-serial", $"file:{consoleLog}", "-kernel", RepoPaths.Kernel, "-append", "console=ttyS0 panic=-1"],
                consoleLog, "Kernel panic", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                dir.Delete(true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Whether QEMU with <paramref name="args"/> writes <paramref name="marker"/> to <paramref name="log"/> within <paramref name="timeout"/>.</summary>
    private static async Task<bool> RunsToAsync(string[] args, string log, string marker, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < timeout)
            {
                await Task.Delay(100).ConfigureAwait(false);
                var text = File.Exists(log) ? await File.ReadAllTextAsync(log).ConfigureAwait(false) : "";
                if (text.Contains(marker, StringComparison.Ordinal))
                {
                    if (!p.HasExited)
                    {
                        p.Kill(true);
                    }
                    return true;
                }

                if (p.HasExited)
                {
                    return false;
                }
            }

            p.Kill(true);
            return false;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
