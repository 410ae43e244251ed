// The tests check Linux file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace CorralOS.Cli.Tests;

/// <summary>`ros config` in-process, against a temporary root.</summary>
public sealed class ConfigAppletTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("corralos-ros-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CloudConfig => Path.Combine(_root, "var/lib/rancher/conf/cloud-config.yml");

    private (int Exit, string Output, string Error) Ros(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Dispatcher.Run("ros", ["config", "--root", _root, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("[a,b]", "rancher.modules", "- a\n- b\n")]
    [InlineData("[]", "rancher.modules", "[]\n")]
    [InlineData("true", "rancher.debug", "true\n")]
    [InlineData("5", "rancher.shutdown_timeout", "5\n")]
    [InlineData("http://proxy:3128/?a=b", "rancher.network.http_proxy", "http://proxy:3128/?a=b\n")]
    [InlineData("two words", "hostname", "two words\n")]
    public void Set_types_values_as_yaml_and_get_reads_them_back(string value, string key, string printed)
    {
        Assert.Equal((0, "", ""), Ros("set", key, value));
        Assert.Equal((0, printed, ""), Ros("get", key));
    }

    [Fact]
    public void Set_writes_typed_yaml_into_cloud_config_yml_only()
    {
        Ros("set", "rancher.modules", "[a,b]");
        Ros("set", "rancher.debug", "true");
        Ros("set", "rancher.environment.N", "5");
        Assert.Equal("rancher:\n  modules:\n  - a\n  - b\n  debug: true\n  environment:\n    N: 5\n", File.ReadAllText(CloudConfig));
    }

    [Fact]
    public void Get_reads_the_merged_config_and_prints_nothing_for_a_missing_key()
    {
        Write("proc/cmdline", "rancher.state.dev=LABEL=RANCHER_STATE\n");
        Assert.Equal("LABEL=RANCHER_STATE\n", Ros("get", "rancher.state.dev").Output);
        Assert.Equal("60\n", Ros("get", "rancher.shutdown_timeout").Output);
        Assert.Equal((0, "\n", ""), Ros("get", "rancher.no.such.key"));
    }

    [Fact]
    public void Metadata_keys_are_appended_once_however_often_the_config_is_set()
    {
        // RancherOS's TestSshKeyMerge: the metadata keys come after the user's, sorted by name, never repeated.
        Write("var/lib/rancher/conf/cloud-config.yml", "ssh_authorized_keys: [existing]\n");
        Write("var/lib/rancher/conf/metadata", "ssh_public_keys: {\"0\": zero, \"1\": one, \"2\": two}\n");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, Ros("set", "hostname", $"h{i}").Exit);
        }
        Assert.Equal("- existing\n- zero\n- one\n- two\n", Ros("get", "ssh_authorized_keys").Output);
    }

    [Fact]
    public void Set_keeps_colons_question_marks_and_newlines_as_text()
    {
        Ros("set", "rancher.network.no_proxy", "a:b?c\nd");
        Assert.Equal("a:b?c\nd\n", Ros("get", "rancher.network.no_proxy").Output);
    }

    [Fact]
    public void A_key_with_an_empty_part_is_a_one_line_error()
    {
        var (exit, _, error) = Ros("set", "rancher..debug", "true");
        Assert.Equal(1, exit);
        Assert.Equal("ros: 'rancher..debug' is not a key (empty part)\n", error);
    }

    [Fact]
    public void A_set_that_breaks_the_schema_is_refused_and_changes_nothing()
    {
        Ros("set", "hostname", "ok");
        var (exit, _, error) = Ros("set", "rancher.ssh.port", "many");
        Assert.Equal(1, exit);
        Assert.Equal($"{CloudConfig}: rancher.ssh.port: expected an integer, got string \"many\"\n", error);
        Assert.Equal("hostname: ok\n", File.ReadAllText(CloudConfig));
    }

    [Fact]
    public void Merge_deep_merges_a_file_into_cloud_config_yml()
    {
        Ros("set", "rancher.network.dns.nameservers", "[1.1.1.1]");
        Ros("set", "rancher.network.dns.search", "[corp]");
        var input = Write("in.yml", "rancher:\n  network:\n    dns:\n      nameservers: [9.9.9.9]\n  console: alpine\n");

        Assert.Equal((0, "", ""), Ros("merge", "-i", input));

        Assert.Equal("- 9.9.9.9\n", Ros("get", "rancher.network.dns.nameservers").Output);
        Assert.Equal("- corp\n", Ros("get", "rancher.network.dns.search").Output);
        Assert.Equal("alpine\n", Ros("get", "rancher.console").Output);
    }

    [Fact]
    public void Merge_of_an_invalid_file_prints_its_problems_and_changes_nothing()
    {
        Ros("set", "hostname", "ok");
        var input = Write("in.yml", "hostname: x\nrancher: {log: often}\n");
        var (exit, _, error) = Ros("merge", "-i", input);
        Assert.Equal(1, exit);
        Assert.Equal($"{input}:2:16: rancher.log: expected a boolean, got string \"often\"\n", error);
        Assert.Equal("hostname: ok\n", File.ReadAllText(CloudConfig));
    }

    [Fact]
    public void Validate_prints_all_five_mistakes_one_per_line_with_their_lines()
    {
        var file = Write("bad.yml", """
            #cloud-config
            hostname: [not, a, name]
            rancher:
              console: default
              ssh:
                daemon: sometimes
              network:
                interfaces:
                  eth0:
                    mtu: big
              services_include:
                zfs: yes
              frobnicate: true
            write_files:
              - path: /etc/motd
                mode: "0644"
            """);

        var (exit, output, error) = Ros("validate", "-i", file);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal(
            $"""
            {file}:2:11: hostname: expected a string, got a list
            {file}:6:13: rancher.ssh.daemon: expected a boolean, got string "sometimes"
            {file}:10:14: rancher.network.interfaces.eth0.mtu: expected an integer, got string "big"
            {file}:13:3: rancher.frobnicate: unknown key
            {file}:16:5: write_files[0].mode: unknown key

            """, error);
    }

    [Fact]
    public void Validate_of_a_good_file_prints_nothing()
    {
        var file = Write("good.yml", "hostname: h\nrancher: {services_include: {zfs: true}}\n");
        Assert.Equal((0, "", ""), Ros("validate", "-i", file));
    }

    [Fact]
    public void Export_filters_secrets_and_keys_as_the_reference_table_says()
    {
        Write("var/lib/rancher/conf/cloud-config.yml", """
            hostname: h
            EXTRA_CMDLINE: rancher.debug
            rancher:
              password: secret
              ssh: {keys: {rsa: PRIVATE}}
              docker: {ca_key: CAKEY, ca_cert: CACERT, server_key: SKEY, server_cert: SCERT, tls: true}
            """);
        Write("proc/cmdline", "rancher.autologin=tty1\n");

        // EXTRA_CMDLINE itself is left out; what it set (layer 6) is exported.
        var plain = Ros("export").Output;
        Assert.Equal("hostname: h\nrancher:\n  docker:\n    tls: true\n  debug: true\n", plain);

        var withPrivate = Ros("export", "--private").Output;
        Assert.Contains("PRIVATE", withPrivate, StringComparison.Ordinal);
        Assert.Contains("CAKEY", withPrivate, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", withPrivate, StringComparison.Ordinal);
        Assert.DoesNotContain("tty1", withPrivate, StringComparison.Ordinal);
        Assert.DoesNotContain("EXTRA_CMDLINE", withPrivate, StringComparison.Ordinal);

        var full = Ros("export", "--full").Output;
        Assert.Contains("shutdown_timeout: 60", full, StringComparison.Ordinal);
        Assert.DoesNotContain("shutdown_timeout", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", full, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_prints_keys_and_certificates_but_not_the_command_line_only_password_and_autologin()
    {
        // Reference TestElideCmdLine: rancher.password on both command lines, `ros config get rancher.password` empty.
        // EXTRA_CMDLINE and its environment copy as init writes them (cloud-config.d/init.yml).
        Write("var/lib/rancher/conf/cloud-config.yml", """
            EXTRA_CMDLINE: /init cc.hostname=nope rancher.password=three
            rancher:
              environment: {EXTRA_CMDLINE: /init cc.hostname=nope rancher.password=three}
              ssh: {keys: {rsa: PRIVATE}}
              docker: {server_key: SKEY}
            """);
        Write("proc/cmdline", "cc.something=yes rancher.password=two rancher.autologin=tty1\n");

        Assert.Equal((0, "\n", ""), Ros("get", "rancher.password"));
        Assert.Equal((0, "\n", ""), Ros("get", "rancher.autologin"));
        Assert.DoesNotContain("password:", Ros("get", "rancher").Output, StringComparison.Ordinal);
        Assert.Equal("nope\n", Ros("get", "hostname").Output);
        Assert.Equal("/init cc.hostname=nope rancher.password=three\n", Ros("get", "rancher.environment.EXTRA_CMDLINE").Output);
        Assert.Contains("EXTRA_CMDLINE: /init cc.hostname=nope", Ros("export").Output, StringComparison.Ordinal);
        // Only export filters keys and certificates; get prints them (ros config is root's).
        Assert.Equal((0, "PRIVATE\n", ""), Ros("get", "rancher.ssh.keys.rsa"));
        Assert.Equal((0, "SKEY\n", ""), Ros("get", "rancher.docker.server_key"));
    }

    [Fact]
    public void Export_to_a_file_makes_it_read_only_for_the_owner()
    {
        Ros("set", "hostname", "h");
        var file = Path.Combine(_root, "out.yml");
        Assert.Equal(0, Ros("export", "-o", file).Exit);
        Assert.Equal("hostname: h\n", File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(file));
    }

    [Fact]
    public void Images_lists_bootstrap_and_service_images_sorted_and_interpolated()
    {
        var file = Write("images.yml", """
            rancher:
              environment: {REGISTRY_DOMAIN: reg.example}
              bootstrap: {udev: {image: "${REGISTRY_DOMAIN}/os-udev:1"}}
              services:
                b: {image: zeta/b:1}
                a: {image: alpha/a:2}
                c: {command: echo}
            """);
        // The file merges over the built-in defaults, whose system images carry the running version.
        var v = Config.SystemEnvironment.Version;
        var system = string.Join(' ', new[] { "base", "console", "docker", "network", "ntp", "udev" }.Select(i => $"corralos/os-{i}:{v}"));
        Assert.Equal((0, $"alpha/a:2 {system} reg.example/os-udev:1 zeta/b:1\n", ""), Ros("images", "-i", file));
    }

    [Fact]
    public void A_missing_input_file_is_a_one_line_error()
    {
        var (exit, _, error) = Ros("validate", "-i", Path.Combine(_root, "nope.yml"));
        Assert.Equal(1, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ros: ", error, StringComparison.Ordinal);
    }
}
