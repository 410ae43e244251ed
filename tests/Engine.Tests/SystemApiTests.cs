namespace CorralOS.Engine.Tests;

/// <summary>/_ping, /version, /info, version prefixes and the error body, over the unix socket.</summary>
public sealed class SystemApiTests : IAsyncLifetime
{
    private TestEngine _engine = null!;

    public async ValueTask InitializeAsync() => _engine = await TestEngine.StartAsync();

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Ping_answers_ok_with_dockers_headers(string method)
    {
        using var response = await _engine.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/_ping"), TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(method == "GET" ? "OK" : "", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("1.41", response.Headers.GetValues("API-Version").Single());
        Assert.Equal("linux", response.Headers.GetValues("OSType").Single());
        Assert.Equal("false", response.Headers.GetValues("Docker-Experimental").Single());
        Assert.Equal("CorralOS/0.0.0-test (linux)", response.Headers.Server.ToString());
    }

    [Fact]
    public async Task Version_reports_the_api_range_and_the_kernel()
    {
        var version = await _engine.GetJsonAsync("/v1.41/version");
        Assert.Equal("1.41", version.GetProperty("ApiVersion").GetString());
        Assert.Equal("1.24", version.GetProperty("MinAPIVersion").GetString());
        Assert.Equal("0.0.0-test", version.GetProperty("Version").GetString());
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), version.GetProperty("KernelVersion").GetString());
        Assert.Equal("Engine", version.GetProperty("Components")[0].GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Info_reports_real_figures()
    {
        await _engine.LoadAsync(TestImage.Tar(TestImage.Simple("info/test:1").DockerSaveFiles()));
        var info = await _engine.GetJsonAsync("/info");
        Assert.Equal(1, info.GetProperty("Images").GetInt32());
        Assert.Equal(0, info.GetProperty("Containers").GetInt32());
        Assert.Equal(Environment.ProcessorCount, info.GetProperty("NCPU").GetInt32());
        var memKb = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal(long.Parse(memKb, System.Globalization.CultureInfo.InvariantCulture) * 1024, info.GetProperty("MemTotal").GetInt64());
        Assert.Equal(_engine.DataRoot, info.GetProperty("DockerRootDir").GetString());
        Assert.Equal("overlayfs", info.GetProperty("Driver").GetString());
        Assert.Equal(File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1", info.GetProperty("CgroupVersion").GetString());
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), info.GetProperty("KernelVersion").GetString());
        Assert.Equal("linux", info.GetProperty("OSType").GetString());
        // The engine ID is made once and kept in the data root.
        await _engine.RestartAsync();
        Assert.Equal(info.GetProperty("ID").GetString(), (await _engine.GetJsonAsync("/info")).GetProperty("ID").GetString());
    }

    [Theory]
    [InlineData("/v1.24/version")]
    [InlineData("/v1.41/version")]
    [InlineData("/v1.47/_ping")]
    [InlineData("/_ping")]
    public async Task Every_supported_version_prefix_is_served(string path)
    {
        using var response = await _engine.Http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("/v1.12/version", "too old")]
    [InlineData("/v1.99/version", "too new")]
    public async Task Versions_outside_the_range_are_refused(string path, string why)
    {
        using var response = await _engine.Http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Contains(why, await TestEngine.ErrorMessageAsync(response, 400), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_are_404_with_a_message()
    {
        using var response = await _engine.Http.GetAsync("/v1.41/nothing/here", TestContext.Current.CancellationToken);
        Assert.Equal("page not found", await TestEngine.ErrorMessageAsync(response, 404));
    }
}
