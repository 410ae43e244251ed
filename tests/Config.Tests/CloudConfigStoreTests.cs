namespace CorralOS.Config.Tests;

public sealed class CloudConfigStoreTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private CloudConfigStore Store => new(_root.Paths);

    [Fact]
    public void Update_writes_the_file_0600_and_keeps_other_keys()
    {
        _root.Write(_root.Paths.CloudConfig, "hostname: a\nrancher: {environment: {X: y}}\n");
        Store.Update(tree => ConfigTree.Set(tree, "rancher.environment.Z", "w"));

        Assert.Equal("hostname: a\nrancher:\n  environment:\n    X: y\n    Z: w\n", File.ReadAllText(_root.Paths.CloudConfig));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_root.Paths.CloudConfig));
        Assert.Equal(["cloud-config.yml"], Directory.GetFiles(_root.Paths.ConfDirectory).Select(Path.GetFileName).Where(n => !n!.EndsWith(".lock", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_invalid_change_is_refused_and_the_file_is_left_as_it_was()
    {
        var before = "hostname: a\n";
        _root.Write(_root.Paths.CloudConfig, before);

        var e = Assert.Throws<ConfigValidationException>(() => Store.Update(tree => ConfigTree.Set(tree, "rancher.debug", "maybe")));

        Assert.Equal($"{_root.Paths.CloudConfig}: rancher.debug: expected a boolean, got string \"maybe\"", e.Problems.Single().ToString());
        Assert.Equal(before, File.ReadAllText(_root.Paths.CloudConfig));
    }

    [Fact]
    public void Unknown_keys_already_in_the_file_do_not_block_a_change_but_new_ones_are_refused()
    {
        _root.Write(_root.Paths.CloudConfig, "packages: [vim]\n");
        Store.Update(tree => tree["hostname"] = "b");
        Assert.Equal("packages:\n- vim\nhostname: b\n", File.ReadAllText(_root.Paths.CloudConfig));

        var e = Assert.Throws<ConfigValidationException>(() => Store.Update(tree => ConfigTree.Set(tree, "rancher.nope", 1L)));
        Assert.Equal("rancher.nope", e.Problems.Single().Key);
    }

    [Fact]
    public void A_file_that_is_not_yaml_is_not_overwritten()
    {
        _root.Write(_root.Paths.CloudConfig, "hostname: [a\n");
        Assert.Throws<ConfigValidationException>(() => Store.Update(tree => tree["hostname"] = "b"));
        Assert.Equal("hostname: [a\n", File.ReadAllText(_root.Paths.CloudConfig));
    }

    [Fact]
    public void Stale_temporary_files_of_killed_writers_are_removed_by_the_next_writer()
    {
        var stale = _root.Write(Path.Combine(_root.Paths.ConfDirectory, ".cloud-config.yml.tmp-99999"), "half");
        Store.Update(tree => tree["hostname"] = "b");
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void Duplicate_keys_are_a_problem_not_a_crash()
    {
        var problem = Assert.Single(ConfigSchema.Validate(YamlDocument.Parse("a: 1\na: 2\n", "dup.yml")));
        Assert.StartsWith("dup.yml:2:1: not valid YAML: ", problem.ToString(), StringComparison.Ordinal);
    }
}
