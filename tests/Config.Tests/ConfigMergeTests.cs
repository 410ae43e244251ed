namespace CorralOS.Config.Tests;

public class ConfigMergeTests
{
    private static Dictionary<string, object?> Yaml(string text) => YamlDocument.Parse(text, "t").Tree;

    [Fact]
    public void Maps_merge_recursively_and_lists_and_scalars_replace()
    {
        var under = Yaml("a: {b: 1, c: [x, y], d: {e: 1}}\nkeep: yes\n");
        var over = Yaml("a: {b: 2, c: [z], d: {f: 2}}\n");

        var merged = ConfigMerge.Merge(under, over);

        Assert.Equal("a:\n  b: 2\n  c:\n  - z\n  d:\n    e: 1\n    f: 2\nkeep: true\n", ConfigYaml.Write(merged));
    }

    [Fact]
    public void A_scalar_can_replace_a_map_and_a_map_a_scalar()
    {
        Assert.Equal("a: 1\n", ConfigYaml.Write(ConfigMerge.Merge(Yaml("a: {b: 1}"), Yaml("a: 1"))));
        Assert.Equal("a:\n  b: 1\n", ConfigYaml.Write(ConfigMerge.Merge(Yaml("a: 1"), Yaml("a: {b: 1}"))));
    }

    [Fact]
    public void An_empty_list_replaces_a_list()
    {
        Assert.Equal("a: []\n", ConfigYaml.Write(ConfigMerge.Merge(Yaml("a: [1, 2]"), Yaml("a: []"))));
    }

    [Fact]
    public void Merge_does_not_change_its_inputs()
    {
        var under = Yaml("a: {b: 1}");
        ConfigMerge.Merge(under, Yaml("a: {c: 2}"));
        Assert.Equal("a:\n  b: 1\n", ConfigYaml.Write(under));
    }

    [Theory]
    [InlineData("s: \"true\"\n")]
    [InlineData("s: \"5\"\n")]
    [InlineData("s: \"\"\n")]
    [InlineData("s: \"null\"\n")]
    [InlineData("s: \"a: b\"\n")]
    [InlineData("s: |-\n  line one\n  line two\n")]
    [InlineData("n: 5\nb: false\nx: null\nf: 1.5\n")]
    [InlineData("s: \"\\x1f\\x8b\\x08\\0\\x02\\x03K+\\xca\\xcf\"\n")] // raw gzip, as write_files' gzip encoding carries it
    [InlineData("s: \"line one\\nline\\x01two\\r\\n\"\n")]
    public void Written_yaml_reads_back_as_the_same_tree(string yaml)
    {
        var tree = Yaml(yaml);
        var again = Yaml(ConfigYaml.Write(tree));
        Assert.Equal(tree.Values.Select(v => v?.ToString()), again.Values.Select(v => v?.ToString()));
        Assert.Equal(ConfigYaml.Write(tree), ConfigYaml.Write(again));
        Assert.Equal(tree.Values.Select(v => v?.GetType()), again.Values.Select(v => v?.GetType()));
    }
}
