namespace CorralOS.Config.Tests;

public class InterpolationTests
{
    private static readonly Dictionary<string, string> s_vars = new() { ["A"] = "1", ["EMPTY"] = "" };

    [Theory]
    [InlineData("${A}", "1")]
    [InlineData("x$A-y", "x1-y")]
    [InlineData("$$A", "$A")]
    [InlineData("${NOPE}", "")]
    [InlineData("${NOPE:-d}", "d")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${EMPTY-d}", "")]
    [InlineData("${NOPE-d}", "d")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("${unclosed", "${unclosed")]
    public void Compose_rules(string text, string expected) => Assert.Equal(expected, Interpolation.Apply(text, s_vars));

    [Fact]
    public void Only_values_are_rewritten()
    {
        var tree = YamlDocument.Parse("$A: [$A, {k: $A}, 5]", "t").Tree;
        Assert.Equal("$A:\n- \"1\"\n- k: \"1\"\n- 5\n", ConfigYaml.Write(Interpolation.Apply(tree, s_vars)));
    }
}
