namespace CorralOS.CloudInit.Tests;

/// <summary>url:, cmdline (cloud-config-url= on the kernel command line) and file: sources.</summary>
public sealed class UrlTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LocalServer Server() => LocalServer.FromRoutes(new Dictionary<string, Answer>
    {
        ["/configs/node.yml"] = Answer.Ok("#cloud-config\nhostname: from-url\n"),
    });

    [Fact]
    public async Task Url_source_body_is_the_user_data()
    {
        await using var server = Server();

        var data = await Options.FetchAsync($"url:{server.BaseUri}configs/node.yml", Options.For(_dir));

        Assert.Equal("#cloud-config\nhostname: from-url\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
        Assert.Same(InstanceMetadata.Empty, data.Metadata);
    }

    [Fact]
    public async Task A_url_that_answers_404_is_not_available()
    {
        await using var server = Server();
        using var http = new HttpClient();
        var source = DatasourceFactory.Create($"url:{server.BaseUri}missing.yml", Options.For(_dir), http)!;

        Assert.False(await source.IsAvailableAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("cloud-config-url")]
    [InlineData("cloud_config_url")]
    public async Task Cmdline_reads_the_url_from_the_kernel_command_line(string parameter)
    {
        await using var server = Server();
        _dir.Write("proc/cmdline", $"console=ttyS0 rancher.debug {parameter}={server.BaseUri}configs/node.yml quiet\n");

        var data = await Options.FetchAsync("cmdline", Options.For(_dir));

        Assert.Equal("#cloud-config\nhostname: from-url\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
    }

    [Fact]
    public async Task Cmdline_without_the_parameter_is_not_available()
    {
        _dir.Write("proc/cmdline", "console=ttyS0 rancher.debug\n");
        using var http = new HttpClient();
        var source = DatasourceFactory.Create("cmdline", Options.For(_dir), http)!;

        Assert.False(await source.IsAvailableAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task File_source_reads_the_file()
    {
        var path = _dir.Write("user_config.yml", "#cloud-config\nhostname: from-file\n");

        var data = await Options.FetchAsync($"file:{path}", Options.For(_dir));

        Assert.Equal("#cloud-config\nhostname: from-file\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
    }
}
