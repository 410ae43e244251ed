namespace CorralOS.Config.Tests;

// The cases of RancherOS's TestCmdlineParse and TestUnmarshalOrReturnString, plus CorralOS's own.
public class KernelCmdlineTests
{
    private static Dictionary<string, object?> Rancher(params (string Key, object? Value)[] pairs) =>
        new() { ["rancher"] = pairs.ToDictionary(p => p.Key, p => p.Value) };

    [Fact]
    public void Only_rancher_and_cc_keys_are_read()
    {
        var tree = KernelCmdline.Parse("a b rancher.key1=value1 c rancher.key2=value2 console=ttyS0");
        Assert.Equal(Rancher(("key1", "value1"), ("key2", "value2")), tree);
    }

    [Theory]
    [InlineData("rancher.key=a,b", "a,b")]
    [InlineData("rancher.key=a\nb", "a\nb")]
    [InlineData("rancher.key='a b'", "a b")]
    [InlineData("rancher.key=\"a b\"", "a b")]
    [InlineData("rancher.key=a:b", "a:b")]
    [InlineData("rancher.key=http://host:8080/x?a=b", "http://host:8080/x?a=b")]
    public void String_values(string cmdline, string expected) =>
        Assert.Equal(Rancher(("key", expected)), KernelCmdline.Parse(cmdline));

    [Fact]
    public void Numbers_are_typed() => Assert.Equal(Rancher(("key", 5L)), KernelCmdline.Parse("rancher.key=5"));

    [Fact]
    public void A_bare_key_is_true() => Assert.Equal(Rancher(("rescue", true)), KernelCmdline.Parse("rancher.rescue"));

    [Fact]
    public void Booleans_are_typed() =>
        Assert.Equal(Rancher(("a", false), ("b", true)), KernelCmdline.Parse("rancher.a=false rancher.b=true"));

    [Fact]
    public void Brackets_make_a_list() =>
        Assert.Equal(Rancher(("keyArray", new List<object?> { 1L, 2L })), KernelCmdline.Parse("rancher.keyArray=[1,2]"));

    [Theory]
    [InlineData("rancher.strArray=[\"url:http://192.168.1.100/cloud-config?a=b\"]")]
    [InlineData("rancher.strArray=[url:http://192.168.1.100/cloud-config?a=b]")]
    public void Urls_in_lists_stay_strings(string cmdline) =>
        Assert.Equal(Rancher(("strArray", new List<object?> { "url:http://192.168.1.100/cloud-config?a=b" })), KernelCmdline.Parse(cmdline));

    [Theory]
    [InlineData("rancher.strArray=['part1 part2',part3]")]
    [InlineData("rancher.strArray=[\"part1 part2\",part3]")]
    [InlineData("rancher.strArray=[ \"part1 part2\", part3 ]")]
    public void Spaces_inside_quotes_and_brackets_do_not_split(string cmdline) =>
        Assert.Equal(Rancher(("strArray", new List<object?> { "part1 part2", "part3" })), KernelCmdline.Parse(cmdline));

    [Fact]
    public void Cc_keys_go_to_the_top_level()
    {
        var tree = KernelCmdline.Parse("console=ttyS0 cc.hostname=node1 cc.ssh_authorized_keys=[a,b] rancher.debug");
        Assert.Equal("node1", tree["hostname"]);
        Assert.Equal(new List<object?> { "a", "b" }, tree["ssh_authorized_keys"]);
        Assert.Equal(true, ConfigTree.Get(tree, "rancher.debug"));
    }

    [Fact]
    public void Nested_keys_build_maps_and_later_values_win()
    {
        var tree = KernelCmdline.Parse("rancher.state.dev=LABEL=RANCHER_STATE rancher.state.autoformat=[/dev/sda,/dev/vda] rancher.state.dev=/dev/vdb");
        Assert.Equal("/dev/vdb", ConfigTree.Get(tree, "rancher.state.dev"));
        Assert.Equal(new List<object?> { "/dev/sda", "/dev/vda" }, ConfigTree.Get(tree, "rancher.state.autoformat"));
    }

    [Fact]
    public void A_deeper_key_under_a_scalar_is_skipped()
    {
        var tree = KernelCmdline.Parse("rancher.a=1 rancher.a.b=2");
        Assert.Equal(1L, ConfigTree.Get(tree, "rancher.a"));
    }

    [Fact]
    public void ParseAll_keeps_other_parameters()
    {
        var tree = KernelCmdline.Parse("console=ttyS0 quiet", parseAll: true);
        Assert.Equal("ttyS0", tree["console"]);
        Assert.Equal(true, tree["quiet"]);
    }

    [Fact]
    public void Proc_cmdline_trailing_newline_is_ignored() =>
        Assert.Equal(Rancher(("key", "v")), KernelCmdline.Parse("rancher.key=v\n"));

    [Fact]
    public void Split_respects_quotes_and_brackets() =>
        Assert.Equal(["a='x y'", "b=[1, 2]", "c=\"p q\""], KernelCmdline.Split("  a='x y'  b=[1, 2]\tc=\"p q\" "));
}

public class ParseValueTests
{
    [Theory]
    [InlineData("[a,b]", new object[] { "a", "b" })]
    [InlineData("[\"a\",\"b\"]", new object[] { "a", "b" })]
    [InlineData("[\"a,\",b]", new object[] { "a,", "b" })]
    [InlineData("[a,\",b\"]", new object[] { "a", ",b" })]
    [InlineData("[\" a, \",\" ,b \"]", new object[] { " a, ", " ,b " })]
    [InlineData("[\"a\n\",b]", new object[] { "a\n", "b" })]
    [InlineData("[a,\"\nb\"]", new object[] { "a", "\nb" })]
    [InlineData("[a,10]", new object[] { "a", 10L })]
    [InlineData("[10,a]", new object[] { 10L, "a" })]
    [InlineData("[a,true]", new object[] { "a", true })]
    [InlineData("[false,a]", new object[] { false, "a" })]
    public void Lists(string value, object[] expected) =>
        Assert.Equal(expected.ToList<object?>(), KernelCmdline.ParseValue(value));

    [Theory]
    [InlineData("a", "a")]
    [InlineData("'a'", "a")]
    [InlineData("\"5\"", "5")]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("0x10", 16L)]
    [InlineData("1.5", 1.5)]
    [InlineData("-3", -3L)]
    public void Scalars(string value, object expected) => Assert.Equal(expected, KernelCmdline.ParseValue(value));

    [Fact]
    public void Empty_is_null() => Assert.Null(KernelCmdline.ParseValue(""));

    [Fact]
    public void Invalid_yaml_stays_the_literal_string() =>
        Assert.Equal("[unclosed", KernelCmdline.ParseValue("[unclosed"));
}
