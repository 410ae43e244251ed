using CorralOS.Config;

namespace CorralOS.CloudInit.Tests;

/// <summary>DigitalOcean metadata/v1.json, Equinix Metal /metadata + /userdata, OpenStack's metadata service over HTTP.</summary>
public sealed class CloudMetadataTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, object?> Interface(InstanceMetadata metadata, string key) =>
        Assert.IsType<Dictionary<string, object?>>(Assert.IsType<Dictionary<string, object?>>(metadata.Network!["interfaces"])[key]);

    /// <summary>The network tree must be valid rancher.network for the config loader (same validator as ros config validate).</summary>
    private static void AssertValidNetwork(InstanceMetadata metadata)
    {
        var text = CloudInitFiles.NetworkYaml(metadata.Network!, "test");
        var problems = ConfigSchema.Validate(YamlDocument.Parse(text, "network.yml"));
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + text);
    }

    [Fact]
    public async Task DigitalOcean_v1_json_gives_static_interfaces_public_first_and_dns()
    {
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer> { ["/metadata/v1.json"] = Fixture.Ok("digitalocean/v1.json") });

        var data = await Options.FetchAsync("digitalocean", Options.For(_dir, server));

        Assert.Equal("sample-droplet", data.Metadata.Hostname);
        Assert.Equal("#cloud-config\nrancher:\n  docker:\n    tls: true\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
        Assert.StartsWith("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCcbi6", Assert.Single(data.Metadata.SshPublicKeys).Value, StringComparison.Ordinal);
        var eth0 = Interface(data.Metadata, "eth0");
        Assert.Equal("mac=04:01:2a:0f:2a:01", eth0["match"]);
        Assert.Equal(new List<object?> { "104.131.20.105/18", "10.17.0.5/16", "2604:A880:0800:0010:0000:0000:017D:2001/64" }, eth0["addresses"]);
        Assert.Equal("104.131.0.1", eth0["gateway"]);
        Assert.Equal("2604:A880:0800:0010:0000:0000:0000:0001", eth0["gateway_ipv6"]);
        var eth1 = Interface(data.Metadata, "eth1");
        Assert.Equal("mac=04:01:2a:0f:2a:02", eth1["match"]);
        Assert.Equal(new List<object?> { "10.132.255.113/16" }, eth1["addresses"]);
        Assert.False(eth1.ContainsKey("gateway")); // the default route goes out of the public interface only
        var dns = Assert.IsType<Dictionary<string, object?>>(data.Metadata.Network!["dns"]);
        Assert.Equal(new List<object?> { "2001:4860:4860::8844", "2001:4860:4860::8888", "8.8.8.8" }, dns["nameservers"]);
        AssertValidNetwork(data.Metadata);
    }

    [Fact]
    public async Task Packet_metadata_bonds_every_nic_and_userdata_is_fetched()
    {
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer>
        {
            ["/metadata"] = Fixture.Ok("packet/metadata.json"),
            ["/userdata"] = Answer.Ok("#!/bin/sh\necho metal\n"),
        });

        var data = await Options.FetchAsync("packet", Options.For(_dir, server));

        Assert.Equal("corral-metal-1", data.Metadata.Hostname);
        Assert.Equal(2, data.Metadata.SshPublicKeys.Count);
        Assert.Equal("#!/bin/sh\necho metal\n", System.Text.Encoding.UTF8.GetString(data.UserData!));
        Assert.Equal("bond0", Interface(data.Metadata, "mac=b8:59:9f:e0:f2:10")["bond"]);
        Assert.Equal("bond0", Interface(data.Metadata, "mac=b8:59:9f:e0:f2:11")["bond"]);
        var bond = Interface(data.Metadata, "bond0");
        Assert.Equal(new List<object?> { "147.75.65.23/31", "2604:1380:1000:4e00::1/127", "10.99.18.131/31" }, bond["addresses"]);
        Assert.Equal("147.75.65.22", bond["gateway"]);
        Assert.Equal("2604:1380:1000:4e00::", bond["gateway_ipv6"]);
        Assert.Equal(new List<object?> { "ip route add 10.0.0.0/8 via 10.99.18.130" }, bond["post_up"]);
        Assert.Equal("4", Assert.IsType<Dictionary<string, object?>>(bond["bond_opts"])["mode"]);
        AssertValidNetwork(data.Metadata);
    }

    [Fact]
    public async Task OpenStack_metadata_service_reads_meta_data_network_data_and_user_data()
    {
        await using var server = new LocalServer(request => FixtureTree.Serve("")(request) ?? Answer.Code(404));

        var data = await Options.FetchAsync("openstack", Options.For(_dir, server));

        AssertOpenStack(data);
        AssertValidNetwork(data.Metadata);
    }

    /// <summary>What Fixtures/openstack/latest holds, read from a drive or over HTTP alike.</summary>
    internal static void AssertOpenStack(CloudData data)
    {
        Assert.Equal("corral-os-1.novalocal", data.Metadata.Hostname);
        Assert.Equal("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABOpenStackKey Generated-by-Nova", data.Metadata.SshPublicKeys["mykey"]);
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOpenStackSecond second", data.Metadata.SshPublicKeys["second"]);
        Assert.StartsWith("#cloud-config\nssh_authorized_keys:", System.Text.Encoding.UTF8.GetString(data.UserData!), StringComparison.Ordinal);
        var statically = Interface(data.Metadata, "mac=fa:16:3e:9c:bf:3d");
        Assert.Equal(new List<object?> { "10.0.0.5/24" }, statically["addresses"]);
        Assert.Equal("10.0.0.1", statically["gateway"]);
        Assert.Equal(1450, statically["mtu"]);
        Assert.Equal(true, Interface(data.Metadata, "mac=fa:16:3e:d4:57:ad")["dhcp"]);
        var dns = Assert.IsType<Dictionary<string, object?>>(data.Metadata.Network!["dns"]);
        Assert.Equal(new List<object?> { "8.8.8.8", "8.8.4.4" }, dns["nameservers"]);
    }
}
