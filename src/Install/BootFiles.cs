using System.Globalization;
using System.Text;
using CorralOS.Init.Boot;
using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// The /boot directory of the boot filesystem: each file of the version under its versioned name (so a later
/// version's files go beside it), /boot/append with the install's kernel arguments (later upgrades reuse them),
/// GRUB's menu from the image's template with an entry per installed version, and grubenv choosing between them
/// (<see cref="BootChoice"/>).
/// </summary>
public static class BootFiles
{
    public const string EntryStart = "#@entry";
    public const string EntryEnd = "#@end";
    private const int ProgressSteps = 4;

    private const string MenuHeader =
        "# Written by ros install / ros os upgrade from the OS image's template (images/os/grub.cfg); grubenv beside\n" +
        "# it chooses the version (docs/upgrade.md).\n";

    /// <summary>A fresh install: this version's files, the append, a menu of it alone and grubenv defaulting to it.</summary>
    public static void Write(string bootRoot, OsVersionFiles os, string kernelAppend, Progress progress)
    {
        var boot = Path.Combine(bootRoot, "boot");
        CopyVersion(boot, os, progress);
        WriteText(Path.Combine(boot, "append"), kernelAppend.Trim() + "\n");
        WriteMenu(boot, os, [os.Version], kernelAppend);
        WriteChoice(bootRoot, BootChoice.Installed(os.Version));
        progress.Step($"wrote /boot/grub/grub.cfg (CorralOS {os.Version}{(kernelAppend.Trim().Length > 0 ? ", append: " + kernelAppend.Trim() : "")})");
    }

    /// <summary>Each file of the version to /boot/NAME-VERSION, flushed.</summary>
    internal static void CopyVersion(string boot, OsVersionFiles os, Progress progress)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(boot, "grub"));
        foreach (var name in os.Names)
        {
            Copy(Path.Combine(os.Directory, name), Path.Combine(boot, os.VersionedName(name)), progress);
        }
    }

    internal static void WriteMenu(string boot, OsVersionFiles os, IReadOnlyList<string> versions, string kernelAppend) =>
        WriteText(Path.Combine(boot, "grub", "grub.cfg"), Menu(File.ReadAllText(os.GrubTemplate), versions, kernelAppend));

    internal static void WriteChoice(string bootRoot, BootChoice choice) => BootChoice.Update(GrubEnvironment.PathIn(bootRoot), _ => choice);

    /// <summary>
    /// The template with its entry block (between #@entry and #@end) once per version, @VERSION@ filled in, and
    /// @APPEND@ everywhere. A template without the block is one version's: @VERSION@ is the first. The template's leading comment lines are left out.
    /// </summary>
    public static string Menu(string template, IReadOnlyList<string> versions, string kernelAppend)
    {
        // The template's leading comment is about the template; the menu gets its own.
        var lines = template.Split('\n');
        template = string.Join('\n', lines.SkipWhile(l => l.StartsWith('#') && l != EntryStart));
        var start = template.IndexOf(EntryStart + "\n", StringComparison.Ordinal);
        var end = template.IndexOf(EntryEnd + "\n", StringComparison.Ordinal);
        string menu;
        if (start < 0 || end < start)
        {
            menu = template.Replace("@VERSION@", versions[0], StringComparison.Ordinal);
        }
        else
        {
            var entry = template[(start + EntryStart.Length + 1)..end];
            menu = template[..start]
                + string.Concat(versions.Select(v => entry.Replace("@VERSION@", v, StringComparison.Ordinal)))
                + template[(end + EntryEnd.Length + 1)..];
        }
        return MenuHeader + menu.Replace("@APPEND@", kernelAppend.Trim(), StringComparison.Ordinal);
    }

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
        var replacing = File.Exists(target);
        File.Move(temp, target, overwrite: true);
        if (replacing)
        {
            // Rewriting a version's own files (an upgrade to the installed version): GRUB, blind to the journal, would
            // still find the old file's blocks, which ext4 may give to the next file written.
            Durability.SyncFileSystem(Path.GetDirectoryName(target)!);
        }
    }

    /// <summary>The menu and the append, replaced at every upgrade: where GRUB reads them too (see Copy).</summary>
    internal static void WriteText(string path, string text) =>
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(text), journalBlindReaders: true);

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
