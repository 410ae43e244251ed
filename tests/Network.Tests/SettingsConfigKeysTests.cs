using CorralOS.Config;

namespace CorralOS.Network.Tests;

/// <summary>netconf binds only <see cref="NetworkSettings.ConfigKeys"/> of the config: they must hold all that From reads.</summary>
public sealed class SettingsConfigKeysTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-netkeys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_settings_from_the_config_keys_alone_are_those_from_the_whole_config()
    {
        var paths = new ConfigPaths(_root);
        Directory.CreateDirectory(Path.GetDirectoryName(paths.CloudConfig)!);
        File.WriteAllText(paths.CloudConfig, """
            hostname: node-7
            rancher:
              defaults: {hostname: fallback, network: {dhcp_timeout: 4, dns: {nameservers: [192.0.2.1]}}}
              network:
                http_proxy: http://proxy:3128
                https_proxy: http://proxy:3129
                no_proxy: localhost
                dhcp_timeout: 12
                dns: {nameservers: [192.0.2.53], search: [example.test]}
                pre_cmds: [echo pre]
                post_cmds: [echo post]
                interfaces:
                  eth0: {address: 192.0.2.10/24, gateway: 192.0.2.254, mtu: 1400, pre_up: [echo up]}
                  eth1: {dhcp: true, dhcp_args: dhcpcd -MA4 -t 5, vlans: "100"}
            """);
        var config = new ConfigLoader(paths).Load();

        var whole = Render(NetworkSettings.From(config.Model));
        var fromKeys = Render(NetworkSettings.From(config.ModelOf(NetworkSettings.ConfigKeys)));

        Assert.Equal(whole, fromKeys);
        Assert.Contains("hostname=node-7", whole, StringComparison.Ordinal);
        Assert.Contains("default-hostname=fallback", whole, StringComparison.Ordinal);
        Assert.Contains("eth0 192.0.2.10/24 gw 192.0.2.254 mtu 1400", whole, StringComparison.Ordinal);
    }

    private static string Render(NetworkSettings s) => string.Join("\n",
        $"hostname={s.Hostname}", $"default-hostname={s.DefaultHostname}",
        $"dns={string.Join(',', s.Nameservers)} search={string.Join(',', s.Search)} default-dns={string.Join(',', s.DefaultNameservers)}",
        $"dhcp-timeout={s.DhcpTimeoutSeconds}", $"proxy={s.HttpProxy} {s.HttpsProxy} {s.NoProxy}",
        $"pre={string.Join(';', s.PreCmds)} post={string.Join(';', s.PostCmds)}",
        $"problems={string.Join(';', s.Problems.Select(p => p.Message))}",
        string.Join("\n", s.Interfaces.Select(i =>
            $"{i.Key} {string.Join(',', i.Addresses)} gw {i.Gateway} mtu {i.Mtu} dhcp {i.Dhcp} {string.Join(' ', i.DhcpArgs)} vlans {string.Join(',', i.Vlans.Select(v => v.Id))} pre-up {string.Join(';', i.PreUp)}")));
}
