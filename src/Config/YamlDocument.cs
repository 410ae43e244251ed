using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CorralOS.Config;

/// <summary>
/// One config source parsed twice over: the YAML nodes (they keep line and column for the validator) and the plain
/// tree the layers merge. A source that is not YAML, or not a map at the top, has problems and an empty tree.
/// </summary>
public sealed record YamlDocument(string File, YamlNode? Root, Dictionary<string, object?> Tree, IReadOnlyList<ConfigProblem> SyntaxProblems)
{
    /// <summary>False for trees that did not come from text: their nodes carry no real line and column.</summary>
    public bool HasPositions { get; init; } = true;

    public static YamlDocument Parse(string text, string file)
    {
        if (text.Contains('\r', StringComparison.Ordinal))
        {
            // RancherOS rejects CRLF too: YAML would keep the CRs inside values (keys, commands).
            return Failed(file, new ConfigProblem(file, 1, 1, "", "carriage returns (CRLF line ends) are not allowed"));
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            return Failed(file, new ConfigProblem(file, (int)e.Start.Line, (int)e.Start.Column, "", "not valid YAML: " + message));
        }
        if (stream.Documents.Count == 0)
        {
            return new YamlDocument(file, null, NewTree(), []);
        }
        var root = stream.Documents[0].RootNode;
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            return Failed(file, new ConfigProblem(file, (int)second.Line, (int)second.Column, "", "more than one YAML document"));
        }
        switch (YamlValues.Convert(root))
        {
            case null:
                return new YamlDocument(file, null, NewTree(), []);
            case Dictionary<string, object?> tree:
                return new YamlDocument(file, root, tree, []);
            default:
                return Failed(file, new ConfigProblem(file, (int)root.Start.Line, (int)root.Start.Column, "", "expected a map of keys at the top"));
        }
    }

    /// <summary>A tree that did not come from text (the kernel command line, `ros config set`): no positions.</summary>
    public static YamlDocument FromTree(Dictionary<string, object?> tree, string file) => new(file, ConfigYaml.ToNode(tree), tree, []) { HasPositions = false };

    public static Dictionary<string, object?> NewTree() => new(StringComparer.Ordinal);

    private static YamlDocument Failed(string file, ConfigProblem problem) => new(file, null, NewTree(), [problem]);
}
