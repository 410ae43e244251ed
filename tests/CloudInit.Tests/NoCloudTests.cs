using CorralOS.Config;

namespace CorralOS.CloudInit.Tests;

/// <summary>NoCloud seeds: meta-data and network-config version 1 and 2 translated to rancher.network.</summary>
public sealed class NoCloudTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<CloudData> SeedAsync(string? networkFixture, string? networkText = null)
    {
        File.Copy(Fixture.Path("nocloud/meta-data"), Path.Combine(Directory.CreateDirectory(Path.Combine(_dir.Path, "seed")).FullName, "meta-data"));
        File.Copy(Fixture.Path("nocloud/user-data"), Path.Combine(_dir.Path, "seed", "user-data"));
        if (networkFixture is not null || networkText is not null)
        {
            File.WriteAllText(Path.Combine(_dir.Path, "seed", "network-config"), networkText ?? Fixture.Text(networkFixture!));
        }
        return await Options.FetchAsync($"nocloud:{_dir.Path}/seed", Options.For(_dir));
    }

    private static Dictionary<string, object?> Interface(CloudData data, string key) =>
        Assert.IsType<Dictionary<string, object?>>(Assert.IsType<Dictionary<string, object?>>(data.Metadata.Network!["interfaces"])[key]);

    private static void AssertValid(CloudData data)
    {
        var text = CloudInitFiles.NetworkYaml(data.Metadata.Network!, "test");
        var problems = ConfigSchema.Validate(YamlDocument.Parse(text, "network.yml"));
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + text);
    }

    [Fact]
    public async Task Meta_data_gives_hostname_and_keys_without_network()
    {
        var data = await SeedAsync(null);

        Assert.Equal("corral-nocloud", data.Metadata.Hostname);
        Assert.Equal(
            ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINoCloudKeyOne one", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABNoCloudKeyTwo two"],
            data.Metadata.SshPublicKeys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => k.Value));
        Assert.Null(data.Metadata.Network);
    }

    [Fact]
    public async Task Network_config_v1_static_dhcp_and_nameservers()
    {
        var data = await SeedAsync("nocloud/network-config-v1");

        var eth0 = Interface(data, "eth0");
        Assert.Equal("mac=52:54:00:12:34:00", eth0["match"]);
        Assert.Equal(new List<object?> { "192.168.1.10/24" }, eth0["addresses"]);
        Assert.Equal("192.168.1.1", eth0["gateway"]);
        Assert.Equal(1500, eth0["mtu"]);
        Assert.Equal(true, Interface(data, "eth1")["dhcp"]);
        var dns = Assert.IsType<Dictionary<string, object?>>(data.Metadata.Network!["dns"]);
        Assert.Equal(new List<object?> { "192.168.1.1", "1.1.1.1", "8.8.8.8" }, dns["nameservers"]);
        Assert.Equal(new List<object?> { "corral.test" }, dns["search"]);
        AssertValid(data);
    }

    [Fact]
    public async Task Network_config_v2_ethernets_bonds_routes_under_a_network_key()
    {
        var data = await SeedAsync("nocloud/network-config-v2");

        var eth0 = Interface(data, "eth0"); // set-name wins over the id
        Assert.Equal("mac=52:54:00:12:34:00", eth0["match"]);
        Assert.Equal(new List<object?> { "192.168.1.10/24", "2001:db8::10/64" }, eth0["addresses"]);
        Assert.Equal("192.168.1.1", eth0["gateway"]);
        Assert.Equal("2001:db8::1", eth0["gateway_ipv6"]);
        Assert.Equal(9000, eth0["mtu"]);
        Assert.Equal(true, Interface(data, "eth1")["dhcp"]);
        Assert.Equal("bond0", Interface(data, "eth2")["bond"]);
        Assert.Equal("bond0", Interface(data, "eth3")["bond"]);
        var bond = Interface(data, "bond0");
        Assert.Equal(new List<object?> { "10.0.0.2/24" }, bond["addresses"]);
        Assert.Equal(new Dictionary<string, object?> { ["mode"] = "802.3ad", ["miimon"] = "100" }, Assert.IsType<Dictionary<string, object?>>(bond["bond_opts"]));
        AssertValid(data);
    }

    [Fact]
    public async Task Network_config_v1_bond_and_vlan()
    {
        var data = await SeedAsync(null, """
            version: 1
            config:
              - {type: physical, name: eth0, mac_address: "52:54:00:00:00:01"}
              - {type: physical, name: eth1, mac_address: "52:54:00:00:00:02"}
              - type: bond
                name: bond0
                bond_interfaces: [eth0, eth1]
                params: {bond-mode: 802.3ad, bond-miimon: 100, bond-xmit-hash-policy: layer3+4}
                subnets: [{type: static, address: 10.1.0.5/24, gateway: 10.1.0.1}]
              - {type: vlan, name: bond0.100, vlan_link: bond0, vlan_id: 100, subnets: [{type: dhcp4}]}
            """);

        Assert.Equal("bond0", Interface(data, "eth0")["bond"]);
        Assert.Equal("mac=52:54:00:00:00:02", Interface(data, "eth1")["match"]);
        var bond = Interface(data, "bond0");
        Assert.Equal(new Dictionary<string, object?> { ["mode"] = "802.3ad", ["miimon"] = "100", ["xmit_hash_policy"] = "layer3+4" }, Assert.IsType<Dictionary<string, object?>>(bond["bond_opts"]));
        Assert.Equal(new List<object?> { "10.1.0.5/24" }, bond["addresses"]);
        Assert.Equal("10.1.0.1", bond["gateway"]);
        Assert.Equal("100:bond0.100", bond["vlans"]);
        Assert.Equal(true, Interface(data, "bond0.100")["dhcp"]);
        AssertValid(data);
    }

    [Fact]
    public async Task Unsupported_v1_entries_are_warnings_and_a_bad_version_is_an_error()
    {
        var data = await SeedAsync(null, "version: 1\nconfig:\n  - type: bridge\n    name: br0\n  - type: physical\n    name: eth0\n    subnets: [{type: dhcp}]\n");
        Assert.Equal(["network-config: config entry of type bridge ignored (only physical, bond, vlan and nameserver are supported)"], data.Warnings);
        Assert.Equal(true, Interface(data, "eth0")["dhcp"]);

        File.WriteAllText(Path.Combine(_dir.Path, "seed", "network-config"), "version: 3\n");
        using var http = new HttpClient();
        var source = DatasourceFactory.Create($"nocloud:{_dir.Path}/seed", Options.For(_dir), http)!;
        var error = await Assert.ThrowsAsync<DatasourceException>(() => source.FetchAsync(TestContext.Current.CancellationToken));
        Assert.Equal($"nocloud:{_dir.Path}/seed: network-config: version: expected 1 or 2, got 3", error.Message);
    }
}
