using System.Globalization;
using System.Text;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// The /boot directory of the boot filesystem: each file of the version under its versioned name (so a later
/// version's files go beside it), /boot/append with the install's kernel arguments (later upgrades reuse them) and
/// GRUB's menu from the image's template selecting this version.
/// </summary>
public static class BootFiles
{
    private const int ProgressSteps = 4;

    public static void Write(string bootRoot, OsVersionFiles os, string kernelAppend, Progress progress)
    {
        var boot = Path.Combine(bootRoot, "boot");
        System.IO.Directory.CreateDirectory(Path.Combine(boot, "grub"));
        foreach (var name in os.Names)
        {
            Copy(Path.Combine(os.Directory, name), Path.Combine(boot, os.VersionedName(name)), progress);
        }
        WriteText(Path.Combine(boot, "append"), kernelAppend.Trim() + "\n");
        var menu = Menu(File.ReadAllText(os.GrubTemplate), os.Version, kernelAppend);
        WriteText(Path.Combine(boot, "grub", "grub.cfg"), menu);
        progress.Step($"wrote /boot/grub/grub.cfg (CorralOS {os.Version}{(kernelAppend.Trim().Length > 0 ? ", append: " + kernelAppend.Trim() : "")})");
    }

    /// <summary>The template with @VERSION@ and @APPEND@ filled in.</summary>
    public static string Menu(string template, string version, string kernelAppend) =>
        template.Replace("@VERSION@", version, StringComparison.Ordinal)
            .Replace("@APPEND@", kernelAppend.Trim(), StringComparison.Ordinal);

    private static void Copy(string source, string target, Progress progress)
    {
        using var input = File.OpenRead(source);
        var total = input.Length;
        var label = $"/boot/{Path.GetFileName(target)} ({Megabytes(total)})";
        progress.Step($"writing {label}");
        var temp = target + ".tmp";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var buffer = new byte[1 << 20];
            long written = 0;
            var reported = 0;
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                written += read;
                var step = total == 0 ? ProgressSteps : (int)(written * ProgressSteps / total);
                if (step > reported && step < ProgressSteps)
                {
                    reported = step;
                    progress.Step($"writing {label}: {step * 100 / ProgressSteps}%");
                }
            }
            output.Flush(flushToDisk: true);
        }
        File.Move(temp, target, overwrite: true);
    }

    private static void WriteText(string path, string text)
    {
        var temp = path + ".tmp";
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            output.Write(Encoding.UTF8.GetBytes(text));
            output.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        Durability.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
