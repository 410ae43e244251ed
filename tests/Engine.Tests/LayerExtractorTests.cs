using System.Formats.Tar;
using CorralOS.Engine.Layers;
using CorralOS.Linux;

namespace CorralOS.Engine.Tests;

/// <summary>Layer extraction into a fresh directory: overlayfs form, ownership, and every escape refused.</summary>
public sealed class LayerExtractorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-layer-").FullName;

    private string Root => Path.Combine(_dir, "root");

    // A file that must never be touched: next to the layer root, where an escape would land.
    private string Outside => Path.Combine(_dir, "outside");

    public LayerExtractorTests() => Directory.CreateDirectory(Root);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LayerExtractor Extract(LayerBuilder layer)
    {
        var extractor = new LayerExtractor(Root, "test layer");
        extractor.Extract(new MemoryStream(layer.Build()));
        return extractor;
    }

    [Fact]
    public async Task Files_directories_links_modes_and_owners_are_extracted()
    {
        var owned = new PaxTarEntry(TarEntryType.RegularFile, "etc/owned") { DataStream = new MemoryStream("x"u8.ToArray()), Uid = 1100, Gid = 1101, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.SetUser };
        var extractor = Extract(new LayerBuilder()
            .Dir("etc").File("etc/motd", "hi").Add(owned)
            .Symlink("etc/link", "/etc/motd").HardLink("etc/hard", "etc/motd")
            .Add(new PaxTarEntry(TarEntryType.Fifo, "etc/fifo") { Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite }));

        Assert.Equal("hi", File.ReadAllText(Path.Combine(Root, "etc/motd")));
        Assert.Equal("/etc/motd", new FileInfo(Path.Combine(Root, "etc/link")).LinkTarget);
        Assert.Equal("hi", File.ReadAllText(Path.Combine(Root, "etc/hard")));
        Assert.Equal(3, extractor.ContentSize); // "hi" + "x"; the hard link adds nothing
        var mode = File.GetUnixFileMode(Path.Combine(Root, "etc/owned"));
        Assert.True(mode.HasFlag(UnixFileMode.SetUser), $"set-uid bit lost: {mode}");
        Assert.True(SpecialFiles.IsRoot, "these tests run as root (chown, mknod, trusted xattrs)");
        Assert.Equal("1100:1101", (await TestEngine.RunAsync("stat", ["-c", "%u:%g", Path.Combine(Root, "etc/owned")])).Output.Trim());
    }

    [Fact]
    public async Task Whiteouts_and_opaque_dirs_hide_lower_layers_when_mounted_with_overlayfs()
    {
        var lower = Path.Combine(_dir, "lower");
        Directory.CreateDirectory(Path.Combine(lower, "etc"));
        Directory.CreateDirectory(Path.Combine(lower, "var"));
        File.WriteAllText(Path.Combine(lower, "etc/gone"), "old");
        File.WriteAllText(Path.Combine(lower, "etc/kept"), "old");
        File.WriteAllText(Path.Combine(lower, "var/old"), "old");

        Extract(new LayerBuilder().Dir("etc").File("etc/.wh.gone", "").Dir("var").File("var/.wh..wh..opq", "").File("var/new", "new").File("var/.wh..wh.plnk", ""));
        Assert.True(SpecialFiles.IsCharacterDevice(Path.Combine(Root, "etc/gone")));
        Assert.False(File.Exists(Path.Combine(Root, "etc/.wh.gone")));

        var merged = Path.Combine(_dir, "merged");
        Directory.CreateDirectory(merged);
        var mount = await TestEngine.RunAsync("mount", ["-t", "overlay", "overlay", "-o", $"lowerdir={Root}:{lower}", merged]);
        Assert.True(mount.Exit == 0, mount.Error);
        try
        {
            Assert.False(File.Exists(Path.Combine(merged, "etc/gone")));
            Assert.True(File.Exists(Path.Combine(merged, "etc/kept")));
            Assert.Equal(["new"], Directory.GetFileSystemEntries(Path.Combine(merged, "var")).Select(Path.GetFileName));
        }
        finally
        {
            await TestEngine.RunAsync("umount", [merged]);
        }
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("/etc/passwd")]
    public void Names_leaving_the_root_are_refused(string name)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Extract(new LayerBuilder().File(name, "evil")));
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(Outside));
    }

    [Fact]
    public void Writing_through_a_symlink_is_refused()
    {
        Directory.CreateDirectory(Outside);
        var e = Assert.Throws<InvalidArgumentException>(() => Extract(new LayerBuilder().Symlink("escape", Outside).File("escape/evil", "x")));
        Assert.Contains("symlink", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Outside));
    }

    [Fact]
    public void A_relative_symlink_escape_is_refused_too()
    {
        Directory.CreateDirectory(Outside);
        Assert.Throws<InvalidArgumentException>(() => Extract(new LayerBuilder().Dir("a").Symlink("a/up", "../../outside").File("a/up/evil", "x")));
        Assert.Empty(Directory.GetFileSystemEntries(Outside));
    }

    [Fact]
    public void A_file_entry_replaces_a_symlink_instead_of_writing_through_it()
    {
        File.WriteAllText(Outside, "keep");
        Extract(new LayerBuilder().Symlink("target", Outside).File("target", "mine"));
        Assert.Equal("keep", File.ReadAllText(Outside));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Root, "target")));
        Assert.Null(new FileInfo(Path.Combine(Root, "target")).LinkTarget);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc/passwd")]
    [InlineData("missing")]
    public void Hard_links_to_anything_but_a_file_in_the_layer_are_refused(string target)
    {
        File.WriteAllText(Outside, "secret");
        Assert.Throws<InvalidArgumentException>(() => Extract(new LayerBuilder().HardLink("link", target)));
        Assert.False(File.Exists(Path.Combine(Root, "link")));
    }

    [Fact]
    public void A_hard_link_through_a_symlinked_directory_is_refused()
    {
        File.WriteAllText(Outside, "secret");
        Assert.Throws<InvalidArgumentException>(() => Extract(new LayerBuilder().Symlink("up", _dir).HardLink("link", "up/outside")));
        Assert.False(File.Exists(Path.Combine(Root, "link")));
    }

    [Fact]
    public void Device_nodes_are_refused()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Extract(new LayerBuilder().CharDevice("dev/null")));
        Assert.Contains("device node", e.Message, StringComparison.Ordinal);
    }
}
