namespace CorralOS.CloudInit.Tests;

/// <summary>Bad answers from a datasource end as one line naming the source and what was wrong, never a crash.</summary>
public sealed class MalformedTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<DatasourceException> FailAsync(string spec, LocalServer server, TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var options = Options.For(_dir, server);
        var source = DatasourceFactory.Create(spec, new CloudInitOptions
        {
            Paths = options.Paths,
            Endpoints = options.Endpoints,
            RequestTimeout = timeout ?? options.RequestTimeout,
        }, http)!;
        return await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Bad_json_names_the_source_the_document_and_the_line()
    {
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer> { ["/metadata/v1.json"] = Answer.Ok("{\n  \"hostname\": \"x\",\n  \"public_keys\": [oops]\n}") });

        var error = await FailAsync("digitalocean", server);

        Assert.Equal($"digitalocean: {server.BaseUri}metadata/v1.json: not valid JSON at line 3 ($.public_keys[0])", error.Message);
    }

    [Fact]
    public async Task A_wrong_type_in_json_is_reported_with_its_path()
    {
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer> { ["/metadata"] = Answer.Ok("{\"hostname\": \"m\", \"ssh_keys\": \"not-a-list\"}") });

        var error = await FailAsync("packet", server);

        Assert.StartsWith($"packet: {server.BaseUri}metadata: not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.ssh_keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_does_not_answer_times_out_with_a_clear_message()
    {
        await using var server = new LocalServer(_ => new Answer(200, "{}"u8.ToArray(), TimeSpan.FromSeconds(30)));

        var started = DateTime.UtcNow;
        var error = await FailAsync("digitalocean", server, TimeSpan.FromMilliseconds(300));

        Assert.Equal($"digitalocean: {server.BaseUri}metadata/v1.json: no answer within 0.3 s", error.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_missing_required_document_is_a_404_error()
    {
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer>());

        var error = await FailAsync("openstack", server);

        Assert.Equal($"openstack: {server.BaseUri}openstack/latest/meta_data.json: 404 Not Found", error.Message);
    }

    [Fact]
    public async Task Bad_network_data_on_a_config_drive_names_the_file()
    {
        _dir.Write("drive/openstack/latest/meta_data.json", "{\"hostname\": \"h\"}");
        _dir.Write("drive/openstack/latest/network_data.json", "{\"links\": [}");
        using var http = new HttpClient();
        var source = DatasourceFactory.Create($"configdrive:{_dir.Path}/drive", Options.For(_dir), http)!;

        var error = await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal($"configdrive:{_dir.Path}/drive: openstack/latest/network_data.json: not valid JSON at line 1 ($.links[0])", error.Message);
    }

    [Fact]
    public async Task Bad_nocloud_meta_data_names_file_line_and_column()
    {
        _dir.Write("seed/meta-data", "instance-id: x\nlocal-hostname: [unclosed\n");
        using var http = new HttpClient();
        var source = DatasourceFactory.Create($"nocloud:{_dir.Path}/seed", Options.For(_dir), http)!;

        var error = await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith($"nocloud:{_dir.Path}/seed: meta-data:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_and_unsupported_datasources_are_reported_and_skipped()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var problems = new List<string>();

        var sources = DatasourceFactory.Create(["frobnicate", "azure", "url:ftp://x/", "file:", "ec2", "ec2"], Options.For(dir), http, problems);

        Assert.Equal(["ec2"], sources.Select(s => s.Name));
        Assert.Equal(
            [
                "datasource frobnicate: unknown datasource",
                "datasource azure: not supported by CorralOS",
                "datasource url:ftp://x/: needs an http or https URL (url:http://...)",
                "datasource file:: needs a path (file:/path)",
            ],
            problems);
    }
}
