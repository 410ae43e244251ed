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
}
