using System.Net.Sockets;

namespace CorralOS.Engine.Tests;

/// <summary>Restarts on the same data root, leftovers of a crash, and the socket file's life.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task Images_tags_and_layers_survive_a_restart()
    {
        var image = TestImage.Simple("keep/me:1");
        (await _engine.LoadAsync(TestImage.Tar(image.DockerSaveFiles()))).Dispose();
        (await _engine.Http.PostAsync("/images/keep/me:1/tag?repo=also:2", null, TestContext.Current.CancellationToken)).Dispose();

        await _engine.RestartAsync();

        var inspect = await _engine.GetJsonAsync("/images/keep/me:1/json");
        Assert.Equal(image.Id, inspect.GetProperty("Id").GetString());
        Assert.Equal(["also:2", "keep/me:1"], inspect.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(5, inspect.GetProperty("Size").GetInt64());
        Assert.Single((await _engine.GetJsonAsync("/images/json")).EnumerateArray());
        Assert.Equal(2, (await _engine.GetJsonAsync("/images/keep/me:1/history")).GetArrayLength());
    }

    [Fact]
    public async Task What_a_crash_mid_load_leaves_is_invisible_and_removed_at_start()
    {
        await _engine.StopServerAsync();
        // A crash after layers and blobs were renamed in, before the image record: no record, so no image.
        var orphanLayer = Path.Combine(_engine.DataRoot, "image/layers/sha256", new string('a', 64));
        Directory.CreateDirectory(Path.Combine(orphanLayer, "diff"));
        var orphanBlob = Path.Combine(_engine.DataRoot, "image/blobs/sha256", new string('b', 64));
        File.WriteAllText(orphanBlob, "half");
        var staging = Path.Combine(_engine.DataRoot, "tmp", "load-crashed");
        Directory.CreateDirectory(Path.Combine(staging, "archive"));
        File.WriteAllText(Path.Combine(_engine.DataRoot, "image/images/sha256", new string('c', 64) + ".json.tmp-1"), "{");

        await _engine.StartServerAsync();

        Assert.Empty((await _engine.GetJsonAsync("/images/json")).EnumerateArray());
        Assert.False(Directory.Exists(orphanLayer));
        Assert.False(File.Exists(orphanBlob));
        Assert.False(Directory.Exists(staging));
    }

    [Fact]
    public async Task A_damaged_image_record_is_dropped_and_the_engine_still_starts()
    {
        var broken = TestImage.Simple("broken:1", "b");
        var fine = TestImage.Simple("fine:1", "f");
        (await _engine.LoadAsync(TestImage.Tar(broken.DockerSaveFiles()))).Dispose();
        (await _engine.LoadAsync(TestImage.Tar(fine.DockerSaveFiles()))).Dispose();
        await _engine.StopServerAsync();
        File.WriteAllText(Path.Combine(_engine.DataRoot, "image/images/sha256", broken.Id[7..] + ".json"), "{");

        await _engine.StartServerAsync();

        Assert.Single(_engine.Server!.Store.Problems);
        var list = (await _engine.GetJsonAsync("/images/json")).EnumerateArray().ToList();
        Assert.Equal(fine.Id, Assert.Single(list).GetProperty("Id").GetString());
        Assert.False(Directory.Exists(Path.Combine(_engine.DataRoot, "image/layers/sha256", broken.DiffIds[0][7..])));
        // The tag is free again and the image loads anew.
        (await _engine.LoadAsync(TestImage.Tar(broken.DockerSaveFiles()))).Dispose();
        Assert.Equal(broken.Id, (await _engine.GetJsonAsync("/images/broken:1/json")).GetProperty("Id").GetString());
    }

    [Fact]
    public async Task The_socket_is_0660_and_removed_on_stop()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(_engine.Socket));
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(_engine.ExecRoot, "system-dockerd.pid")));
        await _engine.StopServerAsync();
        Assert.False(File.Exists(_engine.Socket));
        Assert.False(File.Exists(Path.Combine(_engine.ExecRoot, "system-dockerd.pid")));
    }

    [Fact]
    public async Task A_stale_socket_from_a_crash_is_replaced()
    {
        await _engine.StopServerAsync();
        // What a crash leaves: a socket file nobody listens on. .NET unlinks the file of a socket it bound when the
        // socket is closed, so bind elsewhere and rename the file into place first.
        var elsewhere = Path.Combine(_engine.Dir, "bound.sock");
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(elsewhere));
            File.Move(elsewhere, _engine.Socket);
        }
        Assert.True(File.Exists(_engine.Socket));

        await _engine.StartServerAsync();
        Assert.Equal(200, (int)(await _engine.Http.GetAsync("/_ping", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_live_socket_is_not_taken_over()
    {
        // The same socket, another data root: a second daemon trying to take the first one's place.
        var second = _engine.Options with { DataRoot = Path.Combine(_engine.Dir, "data2"), ExecRoot = Path.Combine(_engine.Dir, "exec2") };
        var e = await Assert.ThrowsAsync<IOException>(() => Api.EngineServer.StartAsync(second, TestContext.Current.CancellationToken));
        Assert.Equal($"another engine is already listening on {_engine.Socket}", e.Message);
        Assert.Equal(200, (int)(await _engine.Http.GetAsync("/_ping", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_file_that_is_not_a_socket_is_not_removed()
    {
        await _engine.StopServerAsync();
        File.WriteAllText(_engine.Socket, "precious");
        var e = await Assert.ThrowsAsync<IOException>(() => _engine.StartServerAsync());
        Assert.Contains("is not a socket", e.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(_engine.Socket));
        File.Delete(_engine.Socket);
    }
}
