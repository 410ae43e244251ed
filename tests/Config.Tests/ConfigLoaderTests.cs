namespace CorralOS.Config.Tests;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private string Get(LoadedConfig config, string key) => ConfigYaml.FormatScalar(ConfigTree.Get(config.Tree, key));

    [Fact]
    public void Without_any_file_the_built_in_defaults_apply()
    {
        var config = _root.Load();
        Assert.Equal("default", Get(config, "rancher.console"));
        Assert.Equal("docker.io", Get(config, "rancher.environment.REGISTRY_DOMAIN"));
        Assert.Equal("60", Get(config, "rancher.shutdown_timeout"));
        Assert.Equal("6", Get(config, "rancher.http_load_retries"));
        Assert.Equal("true", Get(config, "rancher.ssh.daemon"));
        Assert.Equal("LABEL=RANCHER_OEM", Get(config, "rancher.state.oem_dev"));
        Assert.Equal("overlay2", Get(config, "rancher.system_docker.storage_driver"));
        Assert.Equal("172.18.42.1/16", Get(config, "rancher.system_docker.bip"));
        Assert.Equal("docker", Get(config, "rancher.docker.engine"));
        Assert.Equal("rancher", Get(config, "rancher.defaults.hostname"));
        Assert.Equal("download", Get(config, "rancher.upgrade.policy"));
        Assert.Equal(["configdrive:/media/config-2"], ConfigTree.GetStrings(config.Tree, "rancher.cloud_init.datasources"));
        Assert.Equal(["8.8.8.8", "8.8.4.4"], ConfigTree.GetStrings(config.Tree, "rancher.defaults.network.dns.nameservers"));
        Assert.All(config.Layers, l => Assert.True(l.Applied));
        Assert.Equal(ConfigLoader.BuiltInSource, Assert.Single(config.Layers).Source);
    }

    [Fact]
    public void The_image_file_and_the_embedded_copy_are_the_same_and_valid()
    {
        var shipped = File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "images/initrd/os-config.yml"));
        Assert.Equal(shipped, BuiltInOsConfig.Text);
        Assert.Empty(ConfigSchema.Validate(YamlDocument.Parse(shipped, "os-config.yml")));
    }

    [Fact]
    public void Layers_apply_in_the_reference_order()
    {
        // Each layer sets its own key and overrides "who" of the one before it.
        _root.Write(_root.Paths.OsConfig, "rancher: {environment: {who: os, os: x}, console: default}\n");
        _root.Write(_root.Paths.OemConfig, "rancher: {environment: {who: oem, oem: x}}\n");
        _root.Write(Path.Combine(_root.Paths.CloudConfigDirectory, "b.yml"), "rancher: {environment: {who: d-b, b: x}}\n");
        _root.Write(Path.Combine(_root.Paths.CloudConfigDirectory, "a.yml"), "rancher: {environment: {who: d-a, a: x}}\n");
        _root.Write(Path.Combine(_root.Paths.CloudConfigDirectory, ".hidden.yml"), "rancher: {environment: {who: hidden}}\n");
        _root.Write(_root.Paths.CloudConfig, "rancher: {environment: {who: cloud-config, cc: x}}\nEXTRA_CMDLINE: rancher.environment.who=extra\n");
        _root.Write(_root.Paths.Cmdline, "console=ttyS0 rancher.environment.who=cmdline rancher.environment.cmd=x cc.hostname=fromcmdline\n");

        var config = _root.Load();

        Assert.Equal("extra", Get(config, "rancher.environment.who"));
        Assert.Equal(["os", "oem", "a", "b", "cc", "cmd"], ((Dictionary<string, object?>)ConfigTree.Get(config.Tree, "rancher.environment")!).Keys.Where(k => k is not ("who" or "VERSION" or "KERNEL_VERSION")));
        Assert.Equal("fromcmdline", Get(config, "hostname"));
        Assert.Equal(
            [_root.Paths.OsConfig, _root.Paths.OemConfig, Path.Combine(_root.Paths.CloudConfigDirectory, "a.yml"), Path.Combine(_root.Paths.CloudConfigDirectory, "b.yml"), _root.Paths.CloudConfig, _root.Paths.Cmdline, "EXTRA_CMDLINE"],
            config.Layers.Select(l => l.Source));
        Assert.Equal([ConfigLayerKind.Defaults, ConfigLayerKind.Defaults], config.Layers.Take(2).Select(l => l.Kind));

        var user = _root.Load(includeDefaults: false);
        Assert.Null(ConfigTree.Get(user.Tree, "rancher.environment.os"));
        Assert.Null(ConfigTree.Get(user.Tree, "rancher.console"));
    }

    [Fact]
    public void Version_and_kernel_version_are_in_the_environment_unless_a_layer_sets_them()
    {
        _root.Write(_root.Paths.OsConfig, "rancher: {console: default}\n");
        var config = new ConfigLoader(_root.Paths).Load();
        Assert.Equal(SystemEnvironment.Version, Get(config, "rancher.environment.VERSION"));
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), Get(config, "rancher.environment.KERNEL_VERSION"));
        Assert.Matches(@"^\d+\.\d+\.\d+", SystemEnvironment.Version);

        _root.Write(_root.Paths.CloudConfig, "rancher: {environment: {VERSION: 9.9.9}}\n");
        Assert.Equal("9.9.9", Get(new ConfigLoader(_root.Paths).Load(), "rancher.environment.VERSION"));
    }

    [Fact]
    public void A_broken_layer_is_skipped_with_its_problems_and_the_others_apply()
    {
        _root.Write(Path.Combine(_root.Paths.CloudConfigDirectory, "boot.yml"), "hostname: fromboot\nrancher: {debug: [oops\n");
        _root.Write(Path.Combine(_root.Paths.CloudConfigDirectory, "typed.yml"), "hostname: fromtyped\nrancher: {shutdown_timeout: soon}\n");
        _root.Write(_root.Paths.CloudConfig, "ssh_authorized_keys: [k1]\n");

        var config = _root.Load();

        Assert.Null(ConfigTree.Get(config.Tree, "hostname"));
        Assert.Equal(["k1"], ConfigTree.GetStrings(config.Tree, "ssh_authorized_keys"));
        Assert.Equal("60", Get(config, "rancher.shutdown_timeout"));
        Assert.Equal([false, false], config.Layers.Where(l => l.Source.Contains("cloud-config.d", StringComparison.Ordinal)).Select(l => l.Applied));
        Assert.Equal(2, config.Problems.Count());
        Assert.Contains(config.Problems, p => p.File.EndsWith("typed.yml", StringComparison.Ordinal) && p.Key == "rancher.shutdown_timeout" && p.Line == 2);
    }

    [Fact]
    public void Unknown_keys_are_reported_but_do_not_skip_their_layer()
    {
        // cloud-init user data often carries keys RancherOS ignored; they must not cost the user their hostname.
        _root.Write(Path.Combine(_root.Paths.CloudConfigDirectory, "boot.yml"), "hostname: fromboot\npackages: [vim]\nrancher: {frobnicate: 1}\n");

        var config = _root.Load();

        Assert.Equal("fromboot", Get(config, "hostname"));
        Assert.Equal("fromboot", config.Model.Hostname);
        Assert.True(config.Layers.Single(l => l.Source.EndsWith("boot.yml", StringComparison.Ordinal)).Applied);
        Assert.Equal(["packages", "rancher.frobnicate"], config.Problems.Select(p => p.Key));
        Assert.All(config.Problems, p => Assert.True(p.IsUnknownKey));
    }

    [Fact]
    public void A_broken_cmdline_key_skips_the_cmdline_layer_only()
    {
        _root.Write(_root.Paths.CloudConfig, "hostname: fromfile\n");
        _root.Write(_root.Paths.Cmdline, "rancher.shutdown_timeout=soon cc.hostname=fromcmdline\n");
        var config = _root.Load();
        Assert.Equal("fromfile", Get(config, "hostname"));
        var problem = Assert.Single(config.Problems);
        Assert.Equal($"{_root.Paths.Cmdline}: rancher.shutdown_timeout: expected an integer, got string \"soon\"", problem.ToString());
    }

    [Fact]
    public void Metadata_only_fills_gaps_and_appends_its_keys_once_sorted()
    {
        _root.Write(_root.Paths.CloudConfig, "ssh_authorized_keys: [existing, one]\n");
        _root.Write(_root.Paths.Metadata, "hostname: md-host\nresize_device: /dev/vda\nssh_public_keys: {\"2\": two, \"0\": zero, \"1\": one}\n");

        var config = _root.Load();
        Assert.Equal(["existing", "one", "zero", "two"], ConfigTree.GetStrings(config.Tree, "ssh_authorized_keys"));
        Assert.Equal("md-host", Get(config, "hostname"));
        Assert.Equal("/dev/vda", Get(config, "rancher.resize_device"));

        _root.Write(_root.Paths.CloudConfig, "hostname: mine\nrancher: {resize_device: /dev/sda}\n");
        config = _root.Load();
        Assert.Equal("mine", Get(config, "hostname"));
        Assert.Equal("/dev/sda", Get(config, "rancher.resize_device"));
        Assert.Equal(["zero", "one", "two"], ConfigTree.GetStrings(config.Tree, "ssh_authorized_keys"));
    }

    [Fact]
    public void Debug_turns_on_every_daemons_debug_and_the_log()
    {
        _root.Write(_root.Paths.Cmdline, "rancher.debug\n");
        var config = _root.Load();
        foreach (var key in (string[])["rancher.docker.debug", "rancher.system_docker.debug", "rancher.bootstrap_docker.debug", "rancher.log"])
        {
            Assert.Equal("true", Get(config, key));
        }
    }

    [Fact]
    public void The_typed_model_reads_the_merged_config()
    {
        _root.Write(_root.Paths.CloudConfig, """
            hostname: h1
            runcmd: [echo a, [ls, -l]]
            users: [{name: ann, lock_passwd: true, groups: [wheel]}]
            rancher:
              network: {interfaces: {eth0: {mtu: 9000, dhcp: true}}}
              services_include: {zfs: true}
            """);
        var model = _root.Load().Model;

        Assert.Equal("h1", model.Hostname);
        Assert.Equal("echo a", model.Runcmd![0]);
        Assert.Equal(9000, model.Rancher!.Network!.Interfaces!["eth0"].Mtu);
        Assert.True(model.Rancher.ServicesInclude!["zfs"]);
        Assert.Equal(60, model.Rancher.ShutdownTimeout);
        Assert.True(model.Rancher.Ssh!.Daemon);
        Assert.Equal("ann", model.Users![0].Name);
        Assert.True(model.Users[0].LockPasswd);
        Assert.Equal(["wheel"], model.Users[0].Groups!);
    }

    [Fact]
    public void Services_are_interpolated_from_rancher_environment()
    {
        _root.Write(_root.Paths.CloudConfig, """
            rancher:
              environment: {REGISTRY_DOMAIN: registry.local, SUFFIX: -rc1}
              services:
                web: {image: "${REGISTRY_DOMAIN}/os/web:v1$SUFFIX", command: "echo $$HOME ${MISSING:-fallback}"}
            """);
        var services = (Dictionary<string, object?>)_root.Load().Interpolated("rancher.services")!;
        var web = (Dictionary<string, object?>)services["web"]!;
        Assert.Equal("registry.local/os/web:v1-rc1", web["image"]);
        Assert.Equal("echo $HOME fallback", web["command"]);
    }
}
