using CorralOS.Compose;

namespace CorralOS.Services.Tests;

/// <summary>Service definitions from compose text, as the manager gets them.</summary>
internal static class Definitions
{
    public static IReadOnlyList<ServiceDefinition> Parse(string yaml)
    {
        var parsed = ComposeParser.ParseFile(yaml, "test.yml", new Dictionary<string, string>());
        Assert.Empty(parsed.Problems);
        return parsed.Services;
    }
}
