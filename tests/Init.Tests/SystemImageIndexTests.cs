using System.Formats.Tar;
using CorralOS.Init.SystemDocker;

namespace CorralOS.Init.Tests;

/// <summary>The initrd's system images: docker save manifests (NAME.json) over one shared blobs/sha256 folder.</summary>
public sealed class SystemImageIndexTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ros-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Manifests_and_archives_are_indexed_by_their_repo_tags()
    {
        Blob("base", "base layer");
        Blob("cfg-a", "{}");
        Blob("cfg-b", "{}");
        Manifest("os-a", "corralos/os-a:1", "cfg-a", "base");
        Manifest("os-b", "corralos/os-b:1", "cfg-b", "base");
        File.WriteAllText(Path.Combine(_folder, "broken.json"), "not json");
        var problems = new List<string>();

        var index = SystemImageIndex.Read(_folder, problems.Add);

        Assert.Equal(["corralos/os-a:1", "corralos/os-b:1"], index.Images.Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(_folder, "os-b.json"), index.ArchiveOf("corralos/os-b:1"));
        Assert.Null(index.ArchiveOf("corralos/os-c:1"));
        Assert.Contains(problems, p => p.Contains("broken.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_archive_of_a_manifest_holds_it_and_exactly_the_blobs_it_names()
    {
        Blob("base", "base layer");
        Blob("top", "top layer");
        Blob("cfg", "{\"config\":{}}");
        Blob("other", "not this image's");
        Manifest("os-a", "corralos/os-a:1", "cfg", "base", "top");
        using var archive = new MemoryStream();

        await SystemImageIndex.WriteArchiveAsync(Path.Combine(_folder, "os-a.json"), new NonClosing(archive), TestContext.Current.CancellationToken);

        archive.Position = 0;
        var entries = new Dictionary<string, string>();
        using (var reader = new TarReader(archive))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                entries[entry.Name] = new StreamReader(entry.DataStream!).ReadToEnd();
            }
        }
        Assert.Equal(["blobs/sha256/base", "blobs/sha256/cfg", "blobs/sha256/top", "manifest.json"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("top layer", entries["blobs/sha256/top"]);
        Assert.Equal(File.ReadAllText(Path.Combine(_folder, "os-a.json")), entries["manifest.json"]);
    }

    [Fact]
    public async Task A_manifest_naming_a_path_outside_its_folder_is_refused()
    {
        Blob("cfg", "{}");
        File.WriteAllText(Path.Combine(_folder, "evil.json"), """[{"Config":"blobs/sha256/cfg","RepoTags":["x:1"],"Layers":["../../etc/passwd"]}]""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            SystemImageIndex.WriteArchiveAsync(Path.Combine(_folder, "evil.json"), new MemoryStream(), TestContext.Current.CancellationToken));

        Assert.Contains("../../etc/passwd", error.Message, StringComparison.Ordinal);
    }

    private void Blob(string name, string content)
    {
        Directory.CreateDirectory(Path.Combine(_folder, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(_folder, "blobs", "sha256", name), content);
    }

    private void Manifest(string file, string tag, string config, params string[] layers)
    {
        var layerList = string.Join(",", layers.Select(l => $"\"blobs/sha256/{l}\""));
        File.WriteAllText(Path.Combine(_folder, file + ".json"), $$"""[{"Config":"blobs/sha256/{{config}}","RepoTags":["{{tag}}"],"Layers":[{{layerList}}]}]""");
    }

    /// <summary>Keeps the archive readable after the writer closes what it was given.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
