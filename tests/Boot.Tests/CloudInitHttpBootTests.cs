using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using CorralOS.Testing;

namespace CorralOS.Boot.Tests;

/// <summary>
/// A VM booted with one network datasource listed (rancher.cloud_init.datasources=[NAME]) and that cloud's metadata
/// service: a local server speaking its format, which the guest reaches at the address it really uses
/// (169.254.169.254:80, metadata.google.internal) through a guestfwd. PID 1 leases eth0 with dhcpcd before it
/// probes. The user data sets a sysctl (applied by PID 1), the metadata a hostname and an SSH key.
/// </summary>
public abstract class CloudInitHttpVm : BootedVm
{
    private CloudInitMetadataServer? _server;

    /// <summary>The datasource spec the boot lists.</summary>
    public abstract string Datasource { get; }

    public abstract string Hostname { get; }

    public string Key => $"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{Regex.Replace(Datasource, "[^a-z]", "")} {Datasource}@metadata";

    /// <summary>What rancher.sysctl in the user data sets kernel.domainname to.</summary>
    public string Domainname => $"{Regex.Replace(Datasource, "[^a-z]", "")}-userdata";

    public string UserDataConfig => $"#cloud-config\nrancher:\n  sysctl:\n    kernel.domainname: {Domainname}\n";

    public CloudInitMetadataServer Metadata => _server ?? throw new InvalidOperationException("not started");

    protected abstract CloudInitMetadataServer Serve();

    protected virtual string Cmdline => $"rancher.cloud_init.datasources=[{Datasource}]";

    protected override Task PrepareAsync()
    {
        _server = Serve();
        return Task.CompletedTask;
    }

    protected override QemuOptions Options => new()
    {
        Name = "ci-" + Regex.Replace(Datasource, "[^a-z0-9]", ""),
        Boot = BootMode.DirectKernel,
        ExtraCmdline = Cmdline,
        GuestForwards = [new GuestForward(Metadata.Port), .. ExtraForwards],
    };

    /// <summary>More guestfwds than the metadata service's (a DNS server).</summary>
    protected virtual IEnumerable<GuestForward> ExtraForwards => [];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return buffer.ToArray();
    }

    /// <summary>MIME multipart user data as cloud-init's make-mime writes it: a cloud-config part and a script part.</summary>
    public static string Multipart(string cloudConfig, string script) =>
        "Content-Type: multipart/mixed; boundary=\"===corral==\"\nMIME-Version: 1.0\n\n" +
        "--===corral==\nContent-Type: text/cloud-config; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Disposition: attachment; filename=\"config.yml\"\n\n" + cloudConfig +
        "\n--===corral==\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Disposition: attachment; filename=\"start.sh\"\n\n" + script +
        "\n--===corral==--\n";
}

/// <summary>What every network datasource boot shows: the lease, the datasource, its hostname, key and user data applied.</summary>
public abstract class CloudInitHttpBootTests<TVm>(TVm fixture) where TVm : CloudInitHttpVm
{
    protected TVm Fixture => fixture;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected string Console => SerialConsole.Clean(fixture.Vm.Console.Text);

    protected async Task<string> Shell(string command) => (await fixture.Vm.RunAsync(command, cancellationToken: Ct)).EnsureSuccess(command).Output.Trim();

    [Fact]
    public void PID_1_leased_eth0_and_the_datasource_answered()
    {
        Assert.Matches(@"init: phase cloud-init: eth0: leased 169\.254\.169\.\d+", Console);
        var phase = Console.Split('\n').Single(l => l.StartsWith("init: phase cloud-init: ok", StringComparison.Ordinal));
        Assert.Contains($"datasource {fixture.Datasource}", phase, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostname_key_and_user_data_are_applied()
    {
        Assert.Equal(fixture.Hostname, await Shell("hostname"));
        Assert.Contains(fixture.Key, await Shell("ros config get ssh_authorized_keys"), StringComparison.Ordinal);
        Assert.Equal(fixture.Domainname, await Shell("cat /proc/sys/kernel/domainname"));
        Assert.Equal("600", await Shell("stat -c %a /var/lib/rancher/conf/cloud-config.d/boot.yml"));
    }
}

/// <summary>EC2 IMDSv2: a session token from PUT latest/api/token, then every GET carries it (401 without, as IMDSv2-only instances answer); gzip user data.</summary>
public sealed class Ec2Vm : CloudInitHttpVm
{
    public const string Token = "AQAEAFakeImdsV2Token==";

    public override string Datasource => "ec2";

    public override string Hostname => "ip-10-0-0-7.ec2.internal";

    protected override CloudInitMetadataServer Serve()
    {
        var paths = new Dictionary<string, MetadataAnswer>(StringComparer.Ordinal)
        {
            ["/latest/meta-data/instance-id"] = MetadataAnswer.Ok("i-0123456789abcdef0"),
            ["/latest/meta-data/local-hostname"] = MetadataAnswer.Ok(Hostname),
            ["/latest/meta-data/hostname"] = MetadataAnswer.Ok(Hostname),
            ["/latest/meta-data/instance-type"] = MetadataAnswer.Ok("t2.micro"),
            ["/latest/meta-data/public-keys/"] = MetadataAnswer.Ok("0=corral-key"),
            ["/latest/meta-data/public-keys/0/openssh-key"] = MetadataAnswer.Ok(Key + "\n"),
            ["/latest/meta-data/network/interfaces/macs/"] = MetadataAnswer.Ok("52:54:00:12:34:56/"),
            ["/latest/user-data"] = MetadataAnswer.Ok(Gzip(UserDataConfig)),
        };
        return new CloudInitMetadataServer(request =>
            request.Method == "PUT" && request.Path == "/latest/api/token"
                ? request.Headers.ContainsKey("x-aws-ec2-metadata-token-ttl-seconds") ? MetadataAnswer.Ok(Token) : MetadataAnswer.Code(400)
                : request.Headers.GetValueOrDefault("x-aws-ec2-metadata-token") != Token ? MetadataAnswer.Code(401)
                : request.Method == "GET" && paths.TryGetValue(request.Path, out var answer) ? answer
                : MetadataAnswer.Code(404));
    }
}

public sealed class Ec2BootTests(Ec2Vm vm) : CloudInitHttpBootTests<Ec2Vm>(vm), IClassFixture<Ec2Vm>
{
    [Fact]
    public void The_token_came_first_and_every_read_carried_it()
    {
        var requests = Fixture.Metadata.Requests.ToList();
        Assert.Equal(("PUT", "/latest/api/token"), (requests[0].Method, requests[0].Path));
        Assert.All(requests.Skip(1), r => Assert.Equal(Ec2Vm.Token, r.Headers.GetValueOrDefault("x-aws-ec2-metadata-token")));
        Assert.Contains(requests, r => r.Path == "/latest/user-data");
    }

    [Fact]
    public async Task The_gzip_user_data_was_saved_unpacked()
    {
        Assert.Equal(Fixture.UserDataConfig.Trim(), await Shell("cat /var/lib/rancher/conf/cloud-config.d/boot.yml"));
    }
}

/// <summary>GCE: http://metadata.google.internal/computeMetadata/v1/ with Metadata-Flavor: Google (403 without); multipart user data.</summary>
public sealed class GceVm : CloudInitHttpVm
{
    public const string Script = "#!/bin/sh\necho multipart-script-ran\n";

    public override string Datasource => "gce";

    public override string Hostname => "gce-host";

    protected override CloudInitMetadataServer Serve()
    {
        var userData = System.Text.Json.JsonSerializer.Serialize(Multipart(UserDataConfig, Script));
        var recursive = $$$"""
            {"instance": {"hostname": "{{{Hostname}}}", "id": 4242, "zone": "projects/1/zones/europe-west1-b",
              "attributes": {"user-data": {{{userData}}}, "ssh-keys": "corral:{{{Key}}}"}},
             "project": {"projectId": "corral", "attributes": {} } }
            """;
        return new CloudInitMetadataServer(request =>
            request.Headers.GetValueOrDefault("metadata-flavor") != "Google" || request.Headers.GetValueOrDefault("host") != "metadata.google.internal"
                ? MetadataAnswer.Code(403)
                : request.Path switch
                {
                    "/computeMetadata/v1/" => MetadataAnswer.Ok("instance/\nproject/\n"),
                    "/computeMetadata/v1/?recursive=true" => MetadataAnswer.Ok(recursive),
                    _ => MetadataAnswer.Code(404),
                });
    }
}

public sealed class GceBootTests(GceVm vm) : CloudInitHttpBootTests<GceVm>(vm), IClassFixture<GceVm>
{
    [Fact]
    public void Every_request_named_metadata_google_internal_with_the_flavor_header()
    {
        Assert.NotEmpty(Fixture.Metadata.Requests);
        Assert.All(Fixture.Metadata.Requests, r =>
        {
            Assert.Equal("metadata.google.internal", r.Headers.GetValueOrDefault("host"));
            Assert.Equal("Google", r.Headers.GetValueOrDefault("metadata-flavor"));
        });
    }

    [Fact]
    public async Task The_multipart_user_data_gave_the_cloud_config_and_the_script()
    {
        Assert.Contains($"kernel.domainname: {Fixture.Domainname}", await Shell("cat /var/lib/rancher/conf/cloud-config.d/boot.yml"), StringComparison.Ordinal);
        Assert.Equal("700\n" + GceVm.Script.Trim(), await Shell("stat -c %a /var/lib/rancher/conf/cloud-config-script; cat /var/lib/rancher/conf/cloud-config-script"));
    }
}

/// <summary>DigitalOcean: http://169.254.169.254/metadata/v1.json (hostname, public_keys, user_data, static interfaces, dns).</summary>
public sealed class DigitalOceanVm : CloudInitHttpVm
{
    public override string Datasource => "digitalocean";

    public override string Hostname => "do-droplet";

    protected override CloudInitMetadataServer Serve()
    {
        var json = $$$"""
            {"droplet_id": 2756294, "hostname": "{{{Hostname}}}", "vendor_data": "", "public_keys": ["{{{Key}}}"],
             "region": "nyc3", "user_data": {{{System.Text.Json.JsonSerializer.Serialize(UserDataConfig)}}},
             "interfaces": {"public": [{"ipv4": {"ip_address": "169.254.169.15", "netmask": "255.255.255.0", "gateway": "169.254.169.2"},
                                        "mac": "52:54:00:12:34:56", "type": "public"}]},
             "dns": {"nameservers": ["169.254.169.3"]}}
            """;
        return CloudInitMetadataServer.FromPaths(new Dictionary<string, MetadataAnswer> { ["/metadata/v1.json"] = MetadataAnswer.Ok(json) });
    }
}

public sealed class DigitalOceanBootTests(DigitalOceanVm vm) : CloudInitHttpBootTests<DigitalOceanVm>(vm), IClassFixture<DigitalOceanVm>
{
    [Fact]
    public async Task The_static_interface_and_DNS_are_saved_as_rancher_network()
    {
        var network = await Shell("cat /var/lib/rancher/conf/cloud-config.d/network.yml");
        Assert.Contains("169.254.169.15/24", network, StringComparison.Ordinal);
        Assert.Contains("mac=52:54:00:12:34:56", network, StringComparison.Ordinal);
        Assert.Contains("169.254.169.3", network, StringComparison.Ordinal);
    }
}

/// <summary>OpenStack's metadata service over HTTP: http://169.254.169.254/openstack/latest/{meta_data.json,user_data}.</summary>
public sealed class OpenStackVm : CloudInitHttpVm
{
    public override string Datasource => "openstack";

    public override string Hostname => "os-instance";

    protected override CloudInitMetadataServer Serve() => CloudInitMetadataServer.FromPaths(new Dictionary<string, MetadataAnswer>
    {
        ["/openstack/latest/meta_data.json"] = MetadataAnswer.Ok(
            $$"""{"uuid": "83679162-1378-4288-a2d4-70e13ec132aa", "name": "{{Hostname}}", "hostname": "{{Hostname}}", "public_keys": {"corral": "{{Key}}"}, "availability_zone": "nova"}"""),
        ["/openstack/latest/user_data"] = MetadataAnswer.Ok(UserDataConfig),
    });
}

public sealed class OpenStackBootTests(OpenStackVm vm) : CloudInitHttpBootTests<OpenStackVm>(vm), IClassFixture<OpenStackVm>;

/// <summary>
/// Equinix Metal (Packet): /metadata (JSON) and /userdata. Its real service is a public HTTPS host name, which no
/// guestfwd can stand in for; the boot lists packet with the base URL 169.254.169.254 instead.
/// </summary>
public sealed class PacketVm : CloudInitHttpVm
{
    public override string Datasource => "packet:http://169.254.169.254/";

    public override string Hostname => "packet-c3";

    protected override CloudInitMetadataServer Serve() => CloudInitMetadataServer.FromPaths(new Dictionary<string, MetadataAnswer>
    {
        ["/metadata"] = MetadataAnswer.Ok($$"""{"id": "0b1d2f3a", "hostname": "{{Hostname}}", "iqn": "iqn.2024-01.net.packet:device.0b1d2f3a", "ssh_keys": ["{{Key}}"], "plan": "c3.small.x86"}"""),
        ["/userdata"] = MetadataAnswer.Ok(UserDataConfig),
    });
}

public sealed class PacketBootTests(PacketVm vm) : CloudInitHttpBootTests<PacketVm>(vm), IClassFixture<PacketVm>;

/// <summary>
/// cloud-config-url= on the kernel command line (the cmdline datasource) with a host name: the URL's body is the user
/// data, hostname and key included. The name resolves only through the nameserver rancher.network.dns.nameservers
/// gives, which PID 1 writes into its resolv.conf before the fetch: a dnsmasq on the host's loopback answering
/// metadata.test with the metadata address, reached by guestfwd at 169.254.169.53:53 over TCP (RES_OPTIONS=use-vc in
/// PID 1's environment from the kernel command line, since a guestfwd carries no UDP). The lease cannot name it:
/// under restrict=on slirp's DHCP sends no DNS option, and its own DNS address is one a guestfwd cannot take.
/// </summary>
public sealed class CmdlineUrlVm : CloudInitHttpVm
{
    public const string Nameserver = "169.254.169.53";
    private LoopbackDns? _dns;

    public override string Datasource => "cmdline";

    public override string Hostname => "from-cmdline-url";

    protected override string Cmdline =>
        $"rancher.cloud_init.datasources=[cmdline] cloud-config-url=http://metadata.test/rancher/cloud-config.yml rancher.network.dns.nameservers=[{Nameserver}] RES_OPTIONS=use-vc";

    protected override IEnumerable<GuestForward> ExtraForwards =>
        [new GuestForward((_dns ?? throw new InvalidOperationException("not started")).Port, Nameserver, 53)];

    protected override Task PrepareAsync()
    {
        _dns = new LoopbackDns(new Dictionary<string, string> { ["metadata.test"] = "169.254.169.254" });
        return base.PrepareAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _dns?.Dispose();
    }

    protected override CloudInitMetadataServer Serve() => CloudInitMetadataServer.FromPaths(new Dictionary<string, MetadataAnswer>
    {
        ["/rancher/cloud-config.yml"] = MetadataAnswer.Ok($"{UserDataConfig}hostname: {Hostname}\nssh_authorized_keys:\n  - {Key}\n"),
    });
}

public sealed class CmdlineUrlBootTests(CmdlineUrlVm vm) : CloudInitHttpBootTests<CmdlineUrlVm>(vm), IClassFixture<CmdlineUrlVm>
{
    [Fact]
    public void PID_1_resolved_the_url_through_the_configured_nameserver()
    {
        Assert.Contains($"init: phase cloud-init: /etc/resolv.conf: nameserver {CmdlineUrlVm.Nameserver} (from rancher.network.dns)", Console, StringComparison.Ordinal);
    }
}
