using System.Formats.Tar;

namespace CorralOS.Engine.Tests;

/// <summary>
/// A test image with a static busybox (the one `make` puts in out/sysroot, else the host's), its applets as
/// symlinks, and users to resolve: root, app (1234) in groups app and extra (2000).
/// </summary>
public static class BusyboxImage
{
    private static readonly string[] s_applets =
        ["sh", "cat", "echo", "sleep", "id", "pwd", "env", "ls", "true", "false", "hostname", "test", "kill", "trap", "printf", "touch", "mkdir", "rm"];

    public static string Busybox
    {
        get
        {
            var candidates = new[] { Path.Combine(Testing.RepoPaths.Out, "sysroot/bin/busybox"), "/bin/busybox", "/usr/bin/busybox" };
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"no busybox for the test image: looked at {string.Join(", ", candidates)}; run `make` (out/sysroot) or install busybox-static");
        }
    }

    public static TestImage Create(string tag, Action<LayerBuilder>? extra = null)
    {
        var layer = new LayerBuilder().Dir("bin").Dir("etc").Dir("tmp").Dir("home").Dir("home/app").Dir("data")
            .Add(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { DataStream = new MemoryStream(File.ReadAllBytes(Busybox)), Mode = (UnixFileMode)0b111_101_101, ModificationTime = DateTimeOffset.UnixEpoch })
            .File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1234:1234:app:/home/app:/bin/sh\n")
            .File("etc/group", "root:x:0:\napp:x:1234:\nextra:x:2000:app\n");
        foreach (var applet in s_applets)
        {
            layer.Symlink("bin/" + applet, "busybox");
        }
        extra?.Invoke(layer);
        return new TestImage().Layer(layer).Tag(tag);
    }

    /// <summary>Loads the image into the engine.</summary>
    public static async Task<TestImage> LoadAsync(TestEngine engine, string tag = "busybox:test")
    {
        var image = Create(tag);
        using var response = await engine.LoadAsync(TestImage.Tar(image.DockerSaveFiles()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return image;
    }
}
