using System.Diagnostics;

namespace CorralOS.Testing;

/// <summary>
/// Decides between KVM and TCG. KVM is used only when /dev/kvm opens read-write and a short probe VM (SeaBIOS with
/// <c>-cpu host</c>, its debug port captured) runs to "No bootable device". Nested or broken KVM often passes the
/// open but fails the probe (an MSR assertion, or a hang), so the probe is what counts. CORRALOS_ACCEL=tcg|kvm forces one.
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
        // -cpu max: NativeAOT code needs x86-64-v2 (SSE4.2, POPCNT), which TCG's default qemu64 lacks.
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
        var debugLog = Path.Combine(dir.FullName, "seabios.log");
        var psi = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-accel", "kvm", "-cpu", "host", "-machine", "q35", "-m", "64", "-nodefaults", "-display", "none",
                     "-no-reboot", "-chardev", $"file,id=dbg,path={debugLog}", "-device", "isa-debugcon,iobase=0x402,chardev=dbg"])
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100).ConfigureAwait(false);
                var log = File.Exists(debugLog) ? await File.ReadAllTextAsync(debugLog).ConfigureAwait(false) : "";
                if (log.Contains("No bootable device", StringComparison.Ordinal))
                {
                    p.Kill(true);
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
}
