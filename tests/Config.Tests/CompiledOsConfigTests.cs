using System.Text;

namespace CorralOS.Config.Tests;

public sealed class CompiledOsConfigTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static string Shipped => File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "images/initrd/os-config.yml"));

    [Fact]
    public void The_shipped_defaults_compile_and_load_into_the_same_config_as_their_yaml()
    {
        var osConfig = _root.Write(_root.Paths.OsConfig, Shipped);
        _root.Write(_root.Paths.CloudConfig, "hostname: from-user\nrancher: {network: {dns: {nameservers: [1.1.1.1]}}}\n");
        var fromYaml = _root.Load();

        CompiledOsConfig.Compile(osConfig, CompiledOsConfig.PathFor(osConfig));
        var fromJson = _root.Load();

        Assert.True(File.Exists(Path.ChangeExtension(osConfig, ".json")));
        Assert.True(ConfigTreeJson.SameTree(fromYaml.Tree, fromJson.Tree));
        Assert.Equal(fromYaml.Layers.Select(l => (l.Source, l.Kind, l.Applied, l.Problems.Count)), fromJson.Layers.Select(l => (l.Source, l.Kind, l.Applied, l.Problems.Count)));
        Assert.NotNull(CompiledOsConfig.TryRead(osConfig, File.ReadAllBytes(osConfig)));
    }

    [Fact]
    public void The_loader_reads_the_compiled_tree_of_these_bytes_instead_of_the_yaml()
    {
        var osConfig = _root.Write(_root.Paths.OsConfig, "rancher: {console: default}\n");
        var compiled = CompiledOsConfig.PathFor(osConfig);
        CompiledOsConfig.Compile(osConfig, compiled);
        File.WriteAllText(compiled, File.ReadAllText(compiled).Replace("\"default\"", "\"from-json\"", StringComparison.Ordinal));

        var config = _root.Load();

        Assert.Equal("from-json", ConfigTree.Get(config.Tree, "rancher.console"));
        Assert.True(Assert.Single(config.Layers).Applied);
    }

    [Fact]
    public void A_compiled_file_of_other_bytes_is_not_used()
    {
        var osConfig = _root.Write(_root.Paths.OsConfig, "rancher: {console: default}\n");
        CompiledOsConfig.Compile(osConfig, CompiledOsConfig.PathFor(osConfig));
        // Edited after the build compiled it: the YAML is read again.
        File.WriteAllText(osConfig, "rancher: {console: alpine}\n");

        Assert.Null(CompiledOsConfig.TryRead(osConfig, File.ReadAllBytes(osConfig)));
        Assert.Equal("alpine", ConfigTree.Get(_root.Load().Tree, "rancher.console"));
    }

    [Fact]
    public void A_broken_compiled_file_is_not_used()
    {
        var osConfig = _root.Write(_root.Paths.OsConfig, "rancher: {console: default}\n");
        File.WriteAllText(CompiledOsConfig.PathFor(osConfig), "{\"source_xxhash3\": ");

        Assert.Null(CompiledOsConfig.TryRead(osConfig, File.ReadAllBytes(osConfig)));
        Assert.Equal("default", ConfigTree.Get(_root.Load().Tree, "rancher.console"));
    }

    [Theory]
    [InlineData("rancher: {console: [}\n", "not valid YAML")]
    [InlineData("rancher: {console: [a, b]}\n", "rancher.console")]
    [InlineData("rancher: {environment: {RATIO: 1.0}}\n", "do not come back from JSON unchanged")]
    public void A_file_that_fails_the_check_or_does_not_survive_json_is_refused_and_nothing_is_written(string yaml, string expected)
    {
        var osConfig = _root.Write(_root.Paths.OsConfig, yaml);

        var error = Assert.Throws<InvalidDataException>(() => CompiledOsConfig.Compile(osConfig, CompiledOsConfig.PathFor(osConfig)));

        Assert.Contains(expected, error.Message);
        Assert.False(File.Exists(CompiledOsConfig.PathFor(osConfig)));
    }

    [Fact]
    public void Every_value_type_of_a_tree_survives_json()
    {
        var tree = YamlValues.Parse("a: {b: [1, -2, 1.5, true, null, text, '007', '']}\nc: 0x10\nd: 'quoted: yes'\n");
        var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            ConfigTreeJson.Write(writer, tree);
        }
        var reader = new System.Text.Json.Utf8JsonReader(buffer.ToArray());
        reader.Read();

        Assert.True(ConfigTreeJson.SameTree(tree, ConfigTreeJson.Read(ref reader)));
        Assert.False(ConfigTreeJson.SameTree(1.0, 1L));
        Assert.False(ConfigTreeJson.SameTree(YamlValues.Parse("{a: 1, b: 2}"), YamlValues.Parse("{b: 2, a: 1}")));
        Assert.Contains("\"007\"", Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
