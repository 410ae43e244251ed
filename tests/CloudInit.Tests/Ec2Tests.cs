using System.Net;
using CorralOS.CloudInit.Datasources;

namespace CorralOS.CloudInit.Tests;

/// <summary>EC2's instance metadata service: the IMDSv2 token flow, the IMDSv1 fallback and the meta-data tree.</summary>
public sealed class Ec2Tests : IDisposable
{
    private const string Token = "AQAEAHaFakeSessionTokenForTests==";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An IMDSv2-only service: PUT /latest/api/token (with the TTL header) gives the token; any request without it is 401.</summary>
    private static LocalServer ImdsV2() => new(request =>
    {
        if (request.PathAndQuery == "/latest/api/token")
        {
            return request.Method == "PUT" && request.Headers.ContainsKey(Ec2Datasource.TtlHeader) ? Answer.Ok(Token) : Answer.Code(400);
        }
        if (request.Headers.GetValueOrDefault(Ec2Datasource.TokenHeader) != Token)
        {
            return Answer.Code(401);
        }
        return FixtureTree.Serve("ec2")(request) ?? Answer.Code(404);
    });

    [Fact]
    public async Task The_fixture_service_refuses_requests_without_a_token()
    {
        await using var server = ImdsV2();
        Assert.Equal(HttpStatusCode.Unauthorized, await server.PlainGetStatusAsync("latest/meta-data/instance-id"));
    }

    [Fact]
    public async Task Imdsv2_token_is_requested_first_and_sent_on_every_request()
    {
        await using var server = ImdsV2();

        var data = await Options.FetchAsync("ec2", Options.For(_dir, server));

        Assert.Equal("ip-172-31-16-10.eu-west-1.compute.internal", data.Metadata.Hostname);
        Assert.Equal("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7ec2examplekeyAAAAB3NzaC1yc2E my-key", Assert.Single(data.Metadata.SshPublicKeys, k => k.Key == "my-key").Value);
        Assert.Equal("/dev/nvme0n1", data.Metadata.ResizeDevice); // m5.large is a Nitro type
        Assert.Equal("#cloud-config\nrancher:\n  sysctl:\n    vm.swappiness: 10\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
        var interfaces = Assert.IsType<Dictionary<string, object?>>(data.Metadata.Network!["interfaces"]);
        Assert.Equal(["mac=0e:49:61:0f:c3:11", "mac=0e:49:61:0f:c3:12"], interfaces.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(true, Assert.IsType<Dictionary<string, object?>>(interfaces["mac=0e:49:61:0f:c3:11"])["dhcp"]);

        var requests = server.Requests.ToList();
        Assert.Equal(("PUT", "/latest/api/token"), (requests[0].Method, requests[0].PathAndQuery));
        Assert.Equal("21600", requests[0].Headers[Ec2Datasource.TtlHeader]);
        Assert.All(requests.Skip(1), r => Assert.Equal(Token, r.Headers.GetValueOrDefault(Ec2Datasource.TokenHeader)));
        Assert.Single(requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task Imdsv1_is_used_when_the_service_has_no_token_endpoint()
    {
        // An IMDSv1-only service (or a proxy that refuses PUT): the PUT fails with 403, plain GETs work.
        await using var server = new LocalServer(request =>
            request.Method == "PUT" ? Answer.Code(403) : FixtureTree.Serve("ec2")(request) ?? Answer.Code(404));

        var data = await Options.FetchAsync("ec2", Options.For(_dir, server));

        Assert.Equal("ip-172-31-16-10.eu-west-1.compute.internal", data.Metadata.Hostname);
        Assert.Single(data.Metadata.SshPublicKeys);
        Assert.DoesNotContain(server.Requests, r => r.Headers.ContainsKey(Ec2Datasource.TokenHeader));
    }

    [Fact]
    public async Task No_user_data_is_404_and_not_an_error()
    {
        await using var server = new LocalServer(request =>
            request.PathAndQuery == "/latest/user-data" ? Answer.Code(404)
            : request.Method == "PUT" ? Answer.Code(405)
            : FixtureTree.Serve("ec2")(request) ?? Answer.Code(404));

        var data = await Options.FetchAsync("ec2", Options.For(_dir, server));

        Assert.Null(data.UserData);
        Assert.NotNull(data.Metadata.Hostname);
    }

    [Fact]
    public async Task A_failing_meta_data_item_is_a_one_line_error_naming_the_url()
    {
        await using var server = new LocalServer(request =>
            request.PathAndQuery == "/latest/meta-data/public-keys/" ? Answer.Code(500)
            : request.Method == "PUT" ? Answer.Code(405)
            : FixtureTree.Serve("ec2")(request) ?? Answer.Code(404));
        using var http = new HttpClient();
        var source = DatasourceFactory.Create("ec2", Options.For(_dir, server), http)!;

        var error = await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal($"ec2: {server.BaseUri}latest/meta-data/public-keys/: 500 Internal Server Error", error.Message);
    }

    [Theory]
    [InlineData("m5.large", "/dev/nvme0n1")]
    [InlineData("t3.micro", "/dev/nvme0n1")]
    [InlineData("c6g.xlarge", "/dev/nvme0n1")]
    [InlineData("t2.micro", "/dev/xvda")]
    [InlineData("m4.large", "/dev/xvda")]
    [InlineData(null, "/dev/xvda")]
    public void Root_device_follows_the_instance_type(string? type, string device) => Assert.Equal(device, Ec2Datasource.RootDevice(type));
}
