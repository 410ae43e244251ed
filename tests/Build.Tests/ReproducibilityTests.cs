using System.Security.Cryptography;

namespace CorralOS.Build.Tests;

/// <summary>Two builds of the system images, the initrd and its system images file, the OS image and the ISO from the same inputs give the same bytes.</summary>
public sealed class ReproducibilityTests : IDisposable
{
    private const long RequiredFreeBytes = 6L << 30;

    private readonly string _work = Directory.CreateTempSubdirectory("corralos-repro-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact(Timeout = 900_000)]
    public async Task System_images_initrd_and_iso_are_byte_identical_across_two_builds()
    {
        var inputs = new Dictionary<string, string>
        {
            ["ROS_BIN"] = BuildPaths.Ros,
            ["VMLINUZ"] = BuildPaths.Vmlinuz,
            ["SYSROOT"] = BuildPaths.Sysroot,
            ["MODULES_ROOT"] = BuildPaths.Modules,
            ["VERSION"] = File.ReadAllText(Path.Combine(BuildPaths.Root, "VERSION")).Trim(),
            ["SOURCE_DATE_EPOCH"] = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } epoch ? epoch : "1764000000",
        };

        // Two builds in directories of different path lengths, started seconds apart and with different umasks,
        // so leaks of paths, wall-clock time (FAT has 2 s resolution) or permissions show up.
        // Each build holds ~2.7 GB (stages, images, ISO); a full disk would show up as a script failing half-way.
        var free = new DriveInfo(_work).AvailableFreeSpace;
        Assert.True(free >= RequiredFreeBytes, $"two builds need {RequiredFreeBytes >> 30} GiB free under {_work}, there are {free >> 20} MiB");

        var cancellation = TestContext.Current.CancellationToken;
        var first = BuildAsync("a", inputs, umask: "022", delaySeconds: 0, cancellation);
        var second = BuildAsync("second-build", inputs, umask: "077", delaySeconds: 5, cancellation);
        var (a, b) = (await first, await second);

        foreach (var image in Directory.GetFiles(Path.Combine(Path.GetDirectoryName(a.Initrd)!, "images"), "*.tar"))
        {
            AssertSameBytes(image, Path.Combine(Path.GetDirectoryName(b.Initrd)!, "images", Path.GetFileName(image)));
        }
        AssertSameBytes(a.Initrd, b.Initrd);
        AssertSameBytes(Path.Combine(Path.GetDirectoryName(a.Initrd)!, "system-images"), Path.Combine(Path.GetDirectoryName(b.Initrd)!, "system-images"));
        AssertSameBytes(a.Iso, b.Iso);
    }

    private async Task<(string Initrd, string Iso)> BuildAsync(string name, Dictionary<string, string> inputs, string umask, int delaySeconds, CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromSeconds(delaySeconds), cancellation);
        var root = Path.Combine(_work, name);
        var environment = new Dictionary<string, string>(inputs)
        {
            ["OUT"] = Path.Combine(root, "out"),
            ["DIST"] = Path.Combine(root, "dist"),
        };
        var scripts = $"umask {umask}; {Shell.Quote(BuildPaths.Script("images.sh"))} && {Shell.Quote(BuildPaths.Script("initrd.sh"))} && " +
                      $"{Shell.Quote(BuildPaths.Script("os-image.sh"))} && {Shell.Quote(BuildPaths.Script("iso.sh"))}";
        Directory.CreateDirectory(root);
        await Shell.RunAsync(scripts, environment, workingDirectory: root, cancellation);
        return (Path.Combine(root, "dist", "initrd"), Path.Combine(root, "dist", "corralos.iso"));
    }

    private static void AssertSameBytes(string expectedPath, string actualPath)
    {
        var expected = File.ReadAllBytes(expectedPath);
        var actual = File.ReadAllBytes(actualPath);
        var (expectedHash, actualHash) = (Convert.ToHexStringLower(SHA256.HashData(expected)), Convert.ToHexStringLower(SHA256.HashData(actual)));
        if (expectedHash == actualHash)
        {
            return;
        }

        var offset = 0;
        while (offset < expected.Length && offset < actual.Length && expected[offset] == actual[offset])
        {
            offset++;
        }

        Assert.Fail($"{Path.GetFileName(expectedPath)} differs between builds: SHA-256 {expectedHash} ({expected.Length} bytes, {expectedPath}) " +
            $"vs {actualHash} ({actual.Length} bytes, {actualPath}); first difference at byte offset {offset} (0x{offset:x}).");
    }
}
