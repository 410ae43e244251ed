using CorralOS.Config;

namespace CorralOS.CloudInit.Tests;

/// <summary>cloud-init-save end to end on a temp root: which files, what they hold, their modes, and how the config loader reads them.</summary>
public sealed class SaveTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Seed(string userData, string? networkFixture = "nocloud/network-config-v1")
    {
        var seed = Path.Combine(_dir.Path, "seed");
        Directory.CreateDirectory(seed);
        File.Copy(Fixture.Path("nocloud/meta-data"), Path.Combine(seed, "meta-data"), overwrite: true);
        File.WriteAllText(Path.Combine(seed, "user-data"), userData);
        if (networkFixture is not null)
        {
            File.Copy(Fixture.Path(networkFixture), Path.Combine(seed, "network-config"), overwrite: true);
        }
        else
        {
            File.Delete(Path.Combine(seed, "network-config"));
        }
        return $"nocloud:{seed}";
    }

    private Task<CloudInitReport> RunAsync(params string[] specs) =>
        CloudInitSave.RunAsync(specs, Options.For(_dir), TestContext.Current.CancellationToken);

    private static object? Sysctl(Dictionary<string, object?> tree, string key) => (ConfigTree.Get(tree, "rancher.sysctl") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault(key);

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path);

    [Fact]
    public async Task Cloud_config_metadata_and_network_are_written_0600_and_load_as_layers()
    {
        const string userData = "#cloud-config\nhostname: from-user-data\nrancher:\n  sysctl:\n    vm.swappiness: 5\n";

        var report = await RunAsync(Seed(userData));

        Assert.False(report.Failed, string.Join("\n", report.Problems));
        Assert.Empty(report.Problems);
        var paths = _dir.Paths;
        Assert.Equal(userData, File.ReadAllText(paths.BootConfig()));
        Assert.Equal(
            "hostname: corral-nocloud\nssh_public_keys:\n  nocloud-000: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINoCloudKeyOne one\n  nocloud-001: ssh-rsa AAAAB3NzaC1yc2EAAAADAQABNoCloudKeyTwo two\n",
            File.ReadAllText(paths.Metadata));
        Assert.StartsWith("# rancher.network from the nocloud:", File.ReadAllText(paths.NetworkConfig()), StringComparison.Ordinal);
        Assert.False(File.Exists(paths.Script()));
        foreach (var file in new[] { paths.BootConfig(), paths.Metadata, paths.NetworkConfig() })
        {
            Assert.Equal(Private, Mode(file));
        }
        // No temporary files left beside them.
        Assert.Empty(Directory.EnumerateFiles(paths.ConfDirectory, ".*", SearchOption.AllDirectories));

        var loaded = new ConfigLoader(paths).Load();
        Assert.Empty(loaded.Problems);
        Assert.Equal("from-user-data", loaded.Tree["hostname"]); // user data beats metadata's hostname
        Assert.Equal(5L, Sysctl(loaded.Tree, "vm.swappiness"));
        Assert.Equal(2, ConfigTree.GetStrings(loaded.Tree, "ssh_authorized_keys").Count);
        Assert.Equal(new List<object?> { "192.168.1.10/24" }, ConfigTree.Get(loaded.Tree, "rancher.network.interfaces.eth0.addresses"));
        Assert.Contains("datasource " + Seed(userData), report.Messages);
    }

    [Fact]
    public async Task A_script_is_written_0700_and_files_the_new_data_lacks_are_removed()
    {
        await RunAsync(Seed("#cloud-config\nhostname: first\n"));
        Assert.True(File.Exists(_dir.Paths.BootConfig()));
        Assert.True(File.Exists(_dir.Paths.NetworkConfig()));

        var report = await RunAsync(Seed("#!/bin/sh\necho hi\n", networkFixture: null));

        Assert.False(report.Failed);
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(_dir.Paths.Script()));
        Assert.Equal(Private | UnixFileMode.UserExecute, Mode(_dir.Paths.Script()));
        Assert.False(File.Exists(_dir.Paths.BootConfig()));
        Assert.False(File.Exists(_dir.Paths.NetworkConfig()));
        Assert.Contains($"removed {_dir.Paths.BootConfig()} (not in this boot's data)", report.Messages);
    }

    [Fact]
    public async Task Malformed_cloud_config_is_reported_and_the_boot_goes_on_with_metadata()
    {
        var report = await RunAsync(Seed("#cloud-config\nhostname: [oops\n", networkFixture: null));

        Assert.False(report.Failed);
        var problem = Assert.Single(report.Problems);
        Assert.Matches(@"^nocloud:.+/seed: user-data:\d+:\d+: not valid YAML: .+\(cloud-config not saved\)$", problem);
        Assert.False(File.Exists(_dir.Paths.BootConfig()));
        Assert.Equal("corral-nocloud", new ConfigLoader(_dir.Paths).Load().Tree["hostname"]);
    }

    [Fact]
    public async Task No_datasource_in_time_writes_nothing()
    {
        var options = Options.For(_dir);
        var report = await CloudInitSave.RunAsync(["configdrive", $"file:{_dir.Path}/absent"], new CloudInitOptions
        {
            Paths = options.Paths, SysRoot = options.SysRoot, MountDirectory = options.MountDirectory, SelectTimeout = TimeSpan.FromMilliseconds(300),
        }, TestContext.Current.CancellationToken);

        Assert.False(report.Failed);
        Assert.Null(report.Datasource);
        Assert.Equal([$"no datasource available within 0.3 s (tried configdrive, file:{_dir.Path}/absent); nothing saved"], report.Messages);
        Assert.False(Directory.Exists(_dir.Paths.ConfDirectory));
    }

    [Fact]
    public async Task A_source_that_fails_to_read_changes_nothing()
    {
        _dir.Write("var/lib/rancher/conf/metadata", "hostname: old\n");
        await using var server = LocalServer.FromRoutes(new Dictionary<string, Answer> { ["/metadata/v1.json"] = Answer.Ok("{broken") });

        var report = await CloudInitSave.RunAsync(["digitalocean"], Options.For(_dir, server), TestContext.Current.CancellationToken);

        Assert.True(report.Failed);
        Assert.Equal("digitalocean", report.Datasource);
        Assert.EndsWith("not valid JSON at line 1; nothing saved", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Equal("hostname: old\n", File.ReadAllText(_dir.Paths.Metadata));
    }

    [Fact]
    public async Task The_config_lists_the_datasources_and_ec2_metadata_carries_the_resize_device()
    {
        await using var server = new LocalServer(request => request.Method == "PUT" ? Answer.Code(404) : FixtureTree.Serve("ec2")(request) ?? Answer.Code(404));
        var config = YamlDocument.Parse($"rancher:\n  cloud_init:\n    datasources: [configdrive, ec2]\n", "test").Tree;

        var report = await CloudInitSave.RunAsync(config, Options.For(_dir, server), TestContext.Current.CancellationToken);

        Assert.Equal("ec2", report.Datasource);
        var metadata = YamlDocument.Parse(File.ReadAllText(_dir.Paths.Metadata), "metadata").Tree;
        Assert.Equal("/dev/nvme0n1", metadata["resize_device"]);
        Assert.Equal("/dev/nvme0n1", ConfigTree.Get(new ConfigLoader(_dir.Paths).Load().Tree, "rancher.resize_device"));
        Assert.Equal(10L, Sysctl(new ConfigLoader(_dir.Paths).Load().Tree, "vm.swappiness"));
    }

    [Fact]
    public void Without_a_list_the_default_is_configdrive_and_the_detected_cloud_is_added()
    {
        Assert.Equal(["configdrive"], CloudInitSave.Datasources(YamlDocument.NewTree(), Path.Combine(_dir.Path, "sys")));

        _dir.Write("sys/class/dmi/id/product_name", "Google Compute Engine\n");
        Assert.Equal(["configdrive", "gce"], CloudInitSave.Datasources(YamlDocument.NewTree(), Path.Combine(_dir.Path, "sys")));
    }
}
