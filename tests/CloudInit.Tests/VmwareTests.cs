using System.IO.Compression;
using System.Text;

namespace CorralOS.CloudInit.Tests;

/// <summary>
/// VMware guestinfo through open-vm-tools' rpctool. A VMware backdoor cannot exist here, so the program is a test
/// double: a script answering `info-get guestinfo.NAME` as vmware-rpctool does (the value and a newline, exit 0;
/// "No value found" on stderr, exit 1), from the variables the test sets. Everything else (the datasource, the
/// decoding, the metadata format, the files saved) is the real code.
/// </summary>
public sealed class VmwareTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _guestInfo = new(StringComparer.Ordinal);

    public void Dispose() => _dir.Dispose();

    private const string MetadataYaml = """
        instance-id: vm-42
        local-hostname: vmhost
        public-keys:
          - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIVmware vm@one
        network:
          version: 2
          ethernets:
            ens192:
              match: {macaddress: "00:50:56:aa:bb:cc"}
              addresses: [10.1.2.3/24]
              gateway4: 10.1.2.1
              nameservers: {addresses: [10.1.2.53]}
        """;

    // The double: one file per variable under vars/, named guestinfo.NAME.
    private CloudInitOptions Options(LocalServer? server = null, string? rpctool = null)
    {
        var vars = Directory.CreateDirectory(Path.Combine(_dir.Path, "vars")).FullName;
        foreach (var (name, value) in _guestInfo)
        {
            File.WriteAllText(Path.Combine(vars, "guestinfo." + name), value);
        }
        var tool = Path.Combine(_dir.Path, "bin", "vmware-rpctool");
        Directory.CreateDirectory(Path.GetDirectoryName(tool)!);
        File.WriteAllText(tool, $$"""
            #!/bin/sh
            # vmware-rpctool "info-get guestinfo.NAME"
            case "$1" in
              "info-get "guestinfo.*) ;;
              *) echo "Unknown command" >&2; exit 1 ;;
            esac
            file="{{vars}}/${1#info-get }"
            if [ -f "$file" ]; then cat "$file"; echo; exit 0; fi
            echo "No value found" >&2
            exit 1
            """);
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return CloudInit.Tests.Options.For(_dir, server, vmwareRpctool: rpctool ?? tool);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string GzipBase64(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return Convert.ToBase64String(buffer.ToArray());
    }

    [Fact]
    public async Task Cloud_init_userdata_and_metadata_give_user_data_hostname_keys_and_network()
    {
        _guestInfo["userdata"] = "#cloud-config\nhostname: fromuserdata\n";
        _guestInfo["metadata"] = MetadataYaml;

        var data = await CloudInit.Tests.Options.FetchAsync("vmware", Options());

        Assert.Equal("#cloud-config\nhostname: fromuserdata\n", Encoding.UTF8.GetString(data.UserData!));
        Assert.Equal("vmhost", data.Metadata.Hostname);
        Assert.Equal(["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIVmware vm@one"], data.Metadata.SshPublicKeys.Values);
        var network = ConfigYamlOf(data.Metadata.Network!);
        Assert.Contains("mac=00:50:56:aa:bb:cc", network, StringComparison.Ordinal);
        Assert.Contains("10.1.2.3/24", network, StringComparison.Ordinal);
        Assert.Contains("10.1.2.53", network, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("base64")]
    [InlineData("b64")]
    [InlineData("gzip+base64")]
    [InlineData("gz+b64")]
    public async Task Encoded_userdata_and_metadata_are_decoded(string encoding)
    {
        var encode = encoding.StartsWith("gz", StringComparison.Ordinal) ? (Func<string, string>)GzipBase64 : Base64;
        _guestInfo["userdata"] = encode("#cloud-config\nhostname: encoded\n");
        _guestInfo["userdata.encoding"] = encoding;
        _guestInfo["metadata"] = encode("local-hostname: encodedmeta\n");
        _guestInfo["metadata.encoding"] = encoding;

        var data = await CloudInit.Tests.Options.FetchAsync("vmware", Options());

        Assert.Equal("#cloud-config\nhostname: encoded\n", Encoding.UTF8.GetString(data.UserData!));
        Assert.Equal("encodedmeta", data.Metadata.Hostname);
    }

    [Fact]
    public async Task RancherOS_keys_cloud_init_config_data_with_its_encoding_and_guestinfo_hostname()
    {
        _guestInfo["cloud-init.config.data"] = GzipBase64("#cloud-config\nrancher: {debug: true}\n");
        _guestInfo["cloud-init.data.encoding"] = "gzip+base64";
        _guestInfo["hostname"] = "rancher-vm";

        var data = await CloudInit.Tests.Options.FetchAsync("vmware", Options());

        Assert.Equal("#cloud-config\nrancher: {debug: true}\n", Encoding.UTF8.GetString(data.UserData!));
        Assert.Equal("rancher-vm", data.Metadata.Hostname);
    }

    [Fact]
    public async Task RancherOS_cloud_init_config_url_is_downloaded()
    {
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer> { ["/user-data"] = Answer.Ok("#cloud-config\nhostname: fromurl\n") });
        _guestInfo["cloud-init.config.url"] = new Uri(server.BaseUri, "user-data").ToString();

        var data = await CloudInit.Tests.Options.FetchAsync("vmware", Options(server));

        Assert.Equal("#cloud-config\nhostname: fromurl\n", Encoding.UTF8.GetString(data.UserData!));
    }

    [Theory]
    [InlineData("base64", "not*base64!", "vmware: guestinfo.userdata: not valid base64")]
    [InlineData("gzip+base64", "bm90IGd6aXA=", "vmware: guestinfo.userdata: not valid gzip data")]
    [InlineData("rot13", "abc", "vmware: guestinfo.userdata.encoding: unknown encoding 'rot13' (base64 or gzip+base64)")]
    public async Task Malformed_encoded_values_fail_the_source_with_the_variable_named(string encoding, string value, string message)
    {
        _guestInfo["userdata"] = value;
        _guestInfo["userdata.encoding"] = encoding;

        var e = await Assert.ThrowsAsync<DatasourceException>(() => CloudInit.Tests.Options.FetchAsync("vmware", Options()));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_metadata_YAML_fails_the_source()
    {
        _guestInfo["metadata"] = "local-hostname: [unclosed\n";

        var e = await Assert.ThrowsAsync<DatasourceException>(() => CloudInit.Tests.Options.FetchAsync("vmware", Options()));

        Assert.Contains("guestinfo.metadata", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_guestinfo_or_without_the_rpctool_the_source_is_not_available()
    {
        using var http = new HttpClient();
        var empty = DatasourceFactory.Create("vmware", Options(), http)!;
        var missing = DatasourceFactory.Create("vmware", Options(rpctool: Path.Combine(_dir.Path, "no-such-rpctool")), http)!;

        Assert.False(await empty.IsAvailableAsync(TestContext.Current.CancellationToken));
        Assert.False(await missing.IsAvailableAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Cloud_init_save_writes_the_vmware_user_data_and_metadata()
    {
        _guestInfo["userdata"] = GzipBase64("#cloud-config\nhostname: saved\n");
        _guestInfo["userdata.encoding"] = "gzip+base64";
        _guestInfo["metadata"] = MetadataYaml;

        var report = await CloudInitSave.RunAsync(["vmware"], Options(), TestContext.Current.CancellationToken);

        Assert.Equal("vmware", report.Datasource);
        Assert.False(report.Failed, string.Join("; ", report.Problems));
        Assert.Equal("#cloud-config\nhostname: saved\n", File.ReadAllText(_dir.Paths.BootConfig()));
        Assert.Contains("hostname: vmhost", File.ReadAllText(_dir.Paths.Metadata), StringComparison.Ordinal);
        Assert.Contains("10.1.2.3/24", File.ReadAllText(_dir.Paths.NetworkConfig()), StringComparison.Ordinal);
    }

    private static string ConfigYamlOf(Dictionary<string, object?> network) => CloudInitFiles.NetworkYaml(network, "vmware");
}
