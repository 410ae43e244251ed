using CorralOS.Init.SystemDocker;

namespace CorralOS.Init.Tests;

/// <summary>The initrd's index of the system images file (build/initrd.sh writes it).</summary>
public sealed class SystemImagesFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corralos-system-images-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Index(string json)
    {
        var path = Path.Combine(_dir, "system-images.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Holds_an_image_by_any_spelling_of_its_reference()
    {
        var file = SystemImagesFile.Read(Index("""{"version":"0.1.0","uuid":"6c6a312f-728f-342a-04df-1aae8c1733d2","images":["docker.io/corralos/os-docker:0.1.0"]}"""))!;

        Assert.Equal(("0.1.0", "6c6a312f-728f-342a-04df-1aae8c1733d2"), (file.Version, file.Uuid));
        Assert.True(file.Holds("corralos/os-docker:0.1.0"));
        Assert.True(file.Holds("docker.io/corralos/os-docker:0.1.0"));
        Assert.False(file.Holds("corralos/os-docker"));
        Assert.False(file.Holds("corralos/os-docker:0.2.0"));
        Assert.False(file.Holds("not a reference"));
    }

    [Fact]
    public void No_index_is_no_file_and_a_damaged_one_is_told_and_ignored()
    {
        Assert.Null(SystemImagesFile.Read(Path.Combine(_dir, "missing.json")));

        var problems = new List<string>();
        Assert.Null(SystemImagesFile.TryRead(Index("""{"version":"0.1.0"}"""), problems.Add));

        Assert.Contains("system-images.json", Assert.Single(problems));
    }

    [Fact]
    public async Task The_initrds_images_file_is_mounted_from_its_known_path_on_first_use_and_another_builds_is_refused()
    {
        var tree = Directory.CreateDirectory(Path.Combine(_dir, "tree", "image")).FullName;
        File.WriteAllText(Path.Combine(tree, "repositories.json"), """{"Refs":{},"TagTimes":{}}""");
        var erofs = Path.Combine(_dir, "initrd-images");
        const string Uuid = "0b7c3a52-8d7e-4a57-9f0e-4a2b7c9d1e11";
        var mkfs = new System.Diagnostics.ProcessStartInfo("mkfs.erofs") { ArgumentList = { "--quiet", "-U" + Uuid, erofs, Path.Combine(_dir, "tree") } };
        using (var process = System.Diagnostics.Process.Start(mkfs)!)
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, process.ExitCode);
        }
        var mountPoint = Path.Combine(_dir, "mnt");
        var index = Index($$"""{"version":"0.1.0","uuid":"{{Uuid}}","images":["docker.io/corralos/os-base:0.1.0"]}""");
        var log = new List<string>();
        var file = SystemImagesFile.TryReadInitrd(index, erofs, mountPoint, log.Add)!;
        try
        {
            Assert.Null(file.SourceFor("corralos/os-docker:0.1.0", log.Add));
            Assert.False(Linux.Mounts.IsMountPoint(mountPoint));

            Assert.Equal(mountPoint, file.SourceFor("corralos/os-base:0.1.0", log.Add)!.DataRoot);

            Assert.True(File.Exists(Path.Combine(mountPoint, "image", "repositories.json")));
            Assert.StartsWith($"mounted the initrd's images from {erofs} (", Assert.Single(log), StringComparison.Ordinal);
        }
        finally
        {
            if (Linux.Mounts.IsMountPoint(mountPoint))
            {
                Linux.Mounts.Unmount(mountPoint, detach: true);
            }
        }

        var other = SystemImagesFile.TryReadInitrd(Index("""{"version":"0.1.0","uuid":"11111111-2222-3333-4444-555555555555","images":["docker.io/corralos/os-base:0.1.0"]}"""), erofs, mountPoint, log.Add)!;
        var refused = Assert.Throws<IOException>(() => other.SourceFor("corralos/os-base:0.1.0", log.Add));
        Assert.Contains("is another build's (UUID " + Uuid, refused.Message, StringComparison.Ordinal);
    }
}
