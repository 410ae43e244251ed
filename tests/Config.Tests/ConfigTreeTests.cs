namespace CorralOS.Config.Tests;

public class ConfigTreeTests
{
    private static readonly Dictionary<string, object?> s_tree = KernelCmdline.Parse(
        "rancher.modules=[dummy,'nbd max_part=8'] rancher.one=loop rancher.n=7 rancher.flag");

    [Fact]
    public void GetStrings_reads_lists_and_single_values()
    {
        Assert.Equal(["dummy", "nbd max_part=8"], ConfigTree.GetStrings(s_tree, "rancher.modules"));
        Assert.Equal(["loop"], ConfigTree.GetStrings(s_tree, "rancher.one"));
        Assert.Empty(ConfigTree.GetStrings(s_tree, "rancher.missing"));
    }

    [Fact]
    public void GetString_formats_scalars()
    {
        Assert.Equal("7", ConfigTree.GetString(s_tree, "rancher.n"));
        Assert.Equal("true", ConfigTree.GetString(s_tree, "rancher.flag"));
        Assert.Null(ConfigTree.GetString(s_tree, "rancher.n.deeper"));
    }

    [Fact]
    public void GetBool_is_true_only_for_true()
    {
        Assert.True(ConfigTree.GetBool(s_tree, "rancher.flag"));
        Assert.False(ConfigTree.GetBool(s_tree, "rancher.n"));
    }
}
