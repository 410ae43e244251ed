using CorralOS.CloudInit.Formats;

namespace CorralOS.CloudInit.Tests;

/// <summary>Address arithmetic shared by every cloud's network translation.</summary>
public sealed class NetworkTreeTests
{
    [Theory]
    [InlineData("255.255.255.0", 24)]
    [InlineData("255.255.192.0", 18)]
    [InlineData("255.255.255.254", 31)]
    [InlineData("0.0.0.0", 0)]
    [InlineData("ffff:ffff:ffff:ffff::", 64)]
    [InlineData("27", 27)]
    [InlineData("255.0.255.0", null)]
    [InlineData("not-a-mask", null)]
    public void Prefix_length_from_a_netmask(string netmask, int? prefix) => Assert.Equal(prefix, NetworkTree.PrefixLength(netmask));

    [Theory]
    [InlineData("10.0.0.5", "255.255.255.0", "10.0.0.5/24")]
    [InlineData("10.0.0.5/16", "255.255.255.0", "10.0.0.5/16")]
    [InlineData("10.0.0.5", null, "10.0.0.5/32")]
    [InlineData("2001:db8::5", null, "2001:db8::5/64")]
    [InlineData("10.0.0.5", "255.0.255.0", null)]
    [InlineData(null, "255.255.255.0", null)]
    public void Cidr_from_address_and_mask(string? address, string? netmask, string? cidr) => Assert.Equal(cidr, NetworkTree.Cidr(address, netmask));

    [Fact]
    public void Nothing_described_is_no_network_and_gateways_go_by_family()
    {
        var tree = new NetworkTree();
        Assert.Null(tree.Build());

        var eth0 = tree.Interface("eth0");
        NetworkTree.SetGateway(eth0, "fe80::1");
        NetworkTree.SetGateway(eth0, "10.0.0.1");
        NetworkTree.SetGateway(eth0, "10.0.0.254"); // the first one of a family stays
        NetworkTree.SetGateway(eth0, "garbage");

        Assert.Equal(new Dictionary<string, object?> { ["gateway_ipv6"] = "fe80::1", ["gateway"] = "10.0.0.1" }, eth0);
        Assert.NotNull(tree.Build());
    }
}
