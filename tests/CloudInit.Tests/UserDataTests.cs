using System.IO.Compression;
using System.Text;
using CorralOS.Config;

namespace CorralOS.CloudInit.Tests;

/// <summary>Every user-data form: #cloud-config, #!, #compose, gzip, MIME multipart, and what is reported and ignored.</summary>
public sealed class UserDataTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static object? Sysctl(Dictionary<string, object?> tree, string key) => (ConfigTree.Get(tree, "rancher.sysctl") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault(key);

    private static Dictionary<string, object?> Tree(string? cloudConfig)
    {
        Assert.NotNull(cloudConfig);
        var document = YamlDocument.Parse(cloudConfig, "boot.yml");
        Assert.Empty(document.SyntaxProblems);
        return document.Tree;
    }

    [Fact]
    public void Cloud_config_is_kept_as_written()
    {
        const string text = "#cloud-config\n# a comment the user wants to keep\nhostname: box\n";

        var result = UserDataParser.Parse(Bytes(text));

        Assert.Equal(text, result.CloudConfig);
        Assert.Null(result.Script);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Crlf_user_data_from_windows_is_read()
    {
        var result = UserDataParser.Parse(Bytes("#cloud-config\r\nhostname: box\r\n"));
        Assert.Equal("box", Tree(result.CloudConfig)["hostname"]);
    }

    [Fact]
    public void Script_is_kept_byte_for_byte()
    {
        var script = Bytes("#!/bin/bash\necho hello\n");

        var result = UserDataParser.Parse(script);

        Assert.Equal(script, result.Script);
        Assert.Null(result.CloudConfig);
    }

    [Fact]
    public void Compose_goes_under_rancher_services()
    {
        var result = UserDataParser.Parse(Bytes("#compose\nnginx:\n  image: nginx:1.27\n  restart: always\n"));

        Assert.Equal("nginx:1.27", ConfigTree.Get(Tree(result.CloudConfig), "rancher.services.nginx.image"));
        Assert.StartsWith("#cloud-config\n", result.CloudConfig, StringComparison.Ordinal);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Compose_v2_file_contributes_its_services_map()
    {
        var result = UserDataParser.Parse(Bytes("#compose\nversion: '2'\nservices:\n  web:\n    image: httpd\n"));
        Assert.Equal("httpd", ConfigTree.Get(Tree(result.CloudConfig), "rancher.services.web.image"));
    }

    [Fact]
    public void Gzip_of_any_form_is_unpacked()
    {
        Assert.Equal("#cloud-config\nhostname: zipped\n", UserDataParser.Parse(Gzip(Bytes("#cloud-config\nhostname: zipped\n"))).CloudConfig);
        Assert.Equal(Bytes("#!/bin/sh\necho zipped\n"), UserDataParser.Parse(Gzip(Bytes("#!/bin/sh\necho zipped\n"))).Script);
        var compose = UserDataParser.Parse(Gzip(Bytes("#compose\nweb:\n  image: nginx\n")));
        Assert.Equal("nginx", ConfigTree.Get(Tree(compose.CloudConfig), "rancher.services.web.image"));
    }

    [Fact]
    public void A_gzipped_base64_part_inside_multipart_is_unpacked()
    {
        var part = Convert.ToBase64String(Gzip(Bytes("#cloud-config\nhostname: zipped-part\n")));
        var text = $"Content-Type: multipart/mixed; boundary=B\nMIME-Version: 1.0\n\n--B\nContent-Type: text/cloud-config\nContent-Transfer-Encoding: base64\n\n{part}\n--B--\n";

        var result = UserDataParser.Parse(Bytes(text));

        Assert.Equal("zipped-part", Tree(result.CloudConfig)["hostname"]);
        Assert.Empty(result.Problems);
    }

    private const string Multipart = """
        Content-Type: multipart/mixed; boundary="===============4291038527==="
        MIME-Version: 1.0

        --===============4291038527===
        Content-Type: text/cloud-config; charset="us-ascii"
        MIME-Version: 1.0
        Content-Transfer-Encoding: 7bit
        Content-Disposition: attachment; filename="first.yml"

        #cloud-config
        hostname: first
        rancher:
          sysctl:
            vm.swappiness: 1

        --===============4291038527===
        Content-Type: text/x-shellscript; charset="us-ascii"
        MIME-Version: 1.0
        Content-Transfer-Encoding: 7bit
        Content-Disposition: attachment; filename="setup.sh"

        #!/bin/sh
        echo from-multipart
        --===============4291038527===
        Content-Type: text/cloud-config
        Content-Transfer-Encoding: base64

        {SECOND}
        --===============4291038527===
        Content-Type: text/x-include-url

        http://example.invalid/never-fetched
        --===============4291038527===--
        """;

    private static string MultipartText() =>
        Multipart.Replace("{SECOND}", Convert.ToBase64String(Bytes("#cloud-config\nhostname: second\nrancher:\n  sysctl:\n    vm.max_map_count: 262144\n")), StringComparison.Ordinal) + "\n";

    [Fact]
    public void Multipart_cloud_configs_merge_in_order_and_the_script_is_kept()
    {
        var result = UserDataParser.Parse(Bytes(MultipartText()));

        var tree = Tree(result.CloudConfig);
        Assert.Equal("second", tree["hostname"]); // the later part wins
        Assert.Equal(1L, Sysctl(tree, "vm.swappiness")); // maps merge
        Assert.Equal(262144L, Sysctl(tree, "vm.max_map_count"));
        Assert.Equal("#!/bin/sh\necho from-multipart", Encoding.UTF8.GetString(result.Script!));
        Assert.Equal(["user-data part 4 (text/x-include-url): text/x-include-url parts are not supported; ignored"], result.Problems);
    }

    [Fact]
    public void Gzipped_multipart_is_read()
    {
        var result = UserDataParser.Parse(Gzip(Bytes(MultipartText())));
        Assert.Equal("second", Tree(result.CloudConfig)["hostname"]);
        Assert.NotNull(result.Script);
    }

    [Fact]
    public void Plain_text_parts_are_sorted_by_their_first_line_and_a_second_script_is_reported()
    {
        var text = "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\n#!/bin/sh\necho one\n--XX\nContent-Type: text/x-shellscript\n\necho two\n--XX--\n";

        var result = UserDataParser.Parse(Bytes(text));

        Assert.Equal("#!/bin/sh\necho one", Encoding.UTF8.GetString(result.Script!));
        Assert.Equal(["user-data part 2 (text/x-shellscript): a second script; only the first one is kept (cloud-config-script holds one)"], result.Problems);
    }

    [Fact]
    public void Garbage_is_reported_and_ignored()
    {
        var result = UserDataParser.Parse(Bytes("just some words\nmore\n"));

        Assert.Null(result.CloudConfig);
        Assert.Null(result.Script);
        Assert.Equal(["user-data: unrecognized user data (first line \"just some words\"; expected #cloud-config, #!, #compose or MIME multipart); ignored"], result.Problems);
    }

    [Fact]
    public void Bad_gzip_and_multipart_without_boundary_are_reported()
    {
        Assert.StartsWith("user-data: not valid gzip", Assert.Single(UserDataParser.Parse([0x1f, 0x8b, 1, 2, 3]).Problems), StringComparison.Ordinal);
        Assert.Equal(["user-data: multipart without a boundary parameter; ignored"],
            UserDataParser.Parse(Bytes("Content-Type: multipart/mixed\n\nbody\n")).Problems);
    }

    [Fact]
    public void Malformed_yaml_is_reported_with_line_and_column_and_not_saved()
    {
        var result = UserDataParser.Parse(Bytes("#cloud-config\nhostname: ok\nrancher:\n  network: [unclosed\n"));

        Assert.Null(result.CloudConfig);
        var problem = Assert.Single(result.Problems);
        Assert.Matches(@"^user-data:\d+:\d+: not valid YAML: .+ \(cloud-config not saved\)$", problem);
    }

    [Fact]
    public void Wrong_types_drop_the_cloud_config_but_unknown_keys_only_warn()
    {
        var wrong = UserDataParser.Parse(Bytes("#cloud-config\nhostname: [a, b]\n"));
        Assert.Null(wrong.CloudConfig);
        Assert.Equal(["user-data:2:11: hostname: expected a string, got a list (cloud-config not saved)"], wrong.Problems);

        var unknown = UserDataParser.Parse(Bytes("#cloud-config\npackages: [vim]\nhostname: h\n"));
        Assert.NotNull(unknown.CloudConfig);
        Assert.Single(unknown.Problems, p => p.Contains("packages", StringComparison.Ordinal) && p.EndsWith("(key ignored)", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_user_data_is_none()
    {
        Assert.Same(UserData.None, UserDataParser.Parse([]));
        Assert.Same(UserData.None, UserDataParser.Parse(null));
    }
}
