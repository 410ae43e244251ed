using CorralOS.Init.Boot;

namespace CorralOS.Install.Tests;

/// <summary>
/// GRUB reads the state's ext4 without replaying its journal, so what an upgrade, PID 1's marking and a rollback
/// write to /boot must reach the filesystem's home locations, not only the journal, before they return: otherwise a
/// power loss within the ~30 s before the journal is written back shows GRUB the old grubenv (an upgrade that said
/// "B boots once at the next boot" boots A, a rollback is undone, and GRUB's save_env writes into the old block's
/// freed sectors). A real ext4 image, loop-mounted (root, as the engine tests), is read after each step while still
/// mounted by debugfs, which like GRUB reads the disk as it is, without the journal.
/// </summary>
public sealed class GrubViewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-grub-view-").FullName;
    private readonly string _image;
    private readonly string _mount;
    private bool _mounted;

    public GrubViewTests()
    {
        _image = Path.Combine(_dir, "state.img");
        using (var file = File.Create(_image))
        {
            file.SetLength(64L << 20);
        }
        FileSystems.MakeState(_image, Guid.NewGuid());
        _mount = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        Mount();
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Tool.Run("umount", [_mount]);
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void An_upgrade_a_mark_good_and_a_rollback_are_where_GRUB_reads_them_when_they_return()
    {
        var progress = new Progress(TextWriter.Null, "upgrade");
        BootFiles.Write(_mount, Version("A"), "quiet", progress);
        // As after ros install, which unmounts: the install is in place.
        Tool.Run("umount", [_mount]);
        _mounted = false;
        Mount();
        Assert.Equal(BootChoice.Installed("A"), GrubView());

        BootUpgrade.Run(_mount, Version("B"), "A", kernelAppend: null, progress);
        Assert.Equal(new BootChoice("A", null, "B", 1, null), GrubView());
        var boot = DebugFs("ls /boot");
        Assert.Contains("vmlinuz-B", boot, StringComparison.Ordinal);
        Assert.Contains("initrd-B", boot, StringComparison.Ordinal);
        Assert.Contains("menuentry \"CorralOS B\"", DebugFs("cat /boot/grub/grub.cfg"), StringComparison.Ordinal);
        Assert.StartsWith("initrd B", DebugFs("cat /boot/initrd-B"), StringComparison.Ordinal);

        Assert.NotNull(BootMarker.MarkGood(GrubEnvironment.PathIn(_mount), "B"));
        Assert.Equal(new BootChoice("B", "A", null, 0, null), GrubView());

        BootRollback.Run(_mount);
        Assert.Equal(new BootChoice("A", "B", null, 0, null), GrubView());

        // A third version: B's files go (the default A and C are kept), also as GRUB sees the directory.
        BootUpgrade.Run(_mount, Version("C"), "A", kernelAppend: null, progress);
        Assert.Equal(new BootChoice("A", null, "C", 1, null), GrubView());
        boot = DebugFs("ls /boot");
        Assert.DoesNotContain("vmlinuz-B", boot, StringComparison.Ordinal);
        Assert.Contains("vmlinuz-C", boot, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewriting_the_installed_version_puts_each_replaced_file_where_GRUB_reads_it_before_the_next_step()
    {
        BootFiles.Write(_mount, Version("A", "old"), "quiet", new Progress(TextWriter.Null, "install"));
        Tool.Run("umount", [_mount]);
        _mounted = false;
        Mount();

        // At each progress line of an upgrade to A itself, every file already replaced is the new one in GRUB's view:
        // GRUB never names an old file whose blocks ext4 has freed.
        var checkedLines = new List<string>();
        var lines = new LineCallbackWriter(line =>
        {
            var files = Directory.EnumerateFiles(Path.Combine(_mount, "boot")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            foreach (var name in files.Where(n => n!.EndsWith("-A", StringComparison.Ordinal)))
            {
                var live = File.ReadAllText(Path.Combine(_mount, "boot", name!));
                if (live.Contains("new", StringComparison.Ordinal))
                {
                    Assert.StartsWith(live, DebugFs($"cat /boot/{name}"), StringComparison.Ordinal);
                }
            }
            checkedLines.Add(line);
        });
        BootUpgrade.Run(_mount, Version("A", "new"), "A", kernelAppend: "quiet console=ttyS0", new Progress(lines, "upgrade"));

        Assert.Contains(checkedLines, l => l.StartsWith("upgrade: writing /boot/initrd-A", StringComparison.Ordinal));
        Assert.StartsWith("initrd A new", DebugFs("cat /boot/initrd-A"), StringComparison.Ordinal);
        Assert.Contains("console=ttyS0", DebugFs("cat /boot/grub/grub.cfg"), StringComparison.Ordinal);
        Assert.Equal(BootChoice.Installed("A"), GrubView());
    }

    private void Mount()
    {
        Tool.Run("mount", ["-o", "loop", _image, _mount]);
        _mounted = true;
    }

    /// <summary>grubenv's choice as a reader without the journal finds it on the image.</summary>
    private BootChoice? GrubView()
    {
        var copy = Path.Combine(_dir, "grubenv.seen");
        File.Delete(copy);
        DebugFs($"dump /boot/grub/grubenv {copy}");
        return BootChoice.From(GrubEnvironment.Read(copy));
    }

    // -c: catastrophic mode, read-only, no journal or bitmaps (as GRUB, which reads the disk as it is).
    private string DebugFs(string request) => Tool.Run("debugfs", ["-c", "-R", request, _image]);

    /// <summary>An OS image's /usr/share/ros/os with the repository's menu template.</summary>
    private OsVersionFiles Version(string version, string build = "") =>
        OsVersionFixture.Create(_dir, version, File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "images", "os", "grub.cfg")), build);

    /// <summary>Calls back at each line written, while the writer's caller waits.</summary>
    private sealed class LineCallbackWriter(Action<string> onLine) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        public override void WriteLine(string? value) => onLine(value ?? "");
    }
}
