namespace CorralOS.Config.Tests;

public sealed class LoadedConfigTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_model_of_some_keys_has_those_parts_as_the_whole_model_has_them_and_nothing_else()
    {
        _root.Write(_root.Paths.CloudConfig, """
            hostname: h1
            write_files: [{path: /etc/motd, content: hi, container: ntp}]
            rancher:
              network: {interfaces: {eth0: {mtu: 9000, dhcp: true}}, dns: {nameservers: [192.0.2.53]}}
              ntp: {servers: [192.0.2.123]}
            """);
        var config = _root.Load();

        var part = config.ModelOf("hostname", "rancher.network");

        Assert.Equal("h1", part.Hostname);
        Assert.Equal(9000, part.Rancher!.Network!.Interfaces!["eth0"].Mtu);
        Assert.Equal(config.Model.Rancher!.Network!.Dns!.Nameservers, part.Rancher.Network.Dns!.Nameservers);
        Assert.Null(part.WriteFiles);
        Assert.Null(part.Rancher.Ntp);
        Assert.Null(part.Rancher.Services);
        // The whole model still has everything.
        Assert.Equal("ntp", Assert.Single(config.Model.WriteFiles!).Container);
        Assert.Equal(["192.0.2.123"], config.Model.Rancher.Ntp!.Servers!);
    }

    [Fact]
    public void A_model_of_keys_the_config_lacks_is_empty()
    {
        var part = _root.Load().ModelOf("write_files", "rancher.no_such_section");

        Assert.Null(part.WriteFiles);
        Assert.Null(part.Rancher);
    }
}
