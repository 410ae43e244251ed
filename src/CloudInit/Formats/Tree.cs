using CorralOS.Config;

namespace CorralOS.CloudInit.Formats;

/// <summary>Typed reads from parsed YAML trees (maps, lists, scalars) with RancherOS's leniency: numbers read as text.</summary>
internal static class Tree
{
    public static IReadOnlyDictionary<string, object?>? Map(object? value) => value as IReadOnlyDictionary<string, object?>;

    public static IReadOnlyDictionary<string, object?>? Map(IReadOnlyDictionary<string, object?>? map, string key) => Map(map?.GetValueOrDefault(key));

    public static IReadOnlyList<object?> List(IReadOnlyDictionary<string, object?>? map, string key) =>
        map?.GetValueOrDefault(key) as IReadOnlyList<object?> ?? [];

    public static string? String(IReadOnlyDictionary<string, object?>? map, string key) => String(map?.GetValueOrDefault(key));

    public static string? String(object? value) => value switch
    {
        null => null,
        string s => s.Trim().Length == 0 ? null : s.Trim(),
        IReadOnlyDictionary<string, object?> or IReadOnlyList<object?> => null,
        var scalar => ConfigYaml.FormatScalar(scalar),
    };

    /// <summary>A list of strings, or one string as a one-element list (cloud-init accepts both).</summary>
    public static IReadOnlyList<string> Strings(IReadOnlyDictionary<string, object?>? map, string key) =>
        map?.GetValueOrDefault(key) switch
        {
            IReadOnlyList<object?> list => list.Select(String).OfType<string>().ToList(),
            var single => String(single) is { } s ? [s] : [],
        };

    public static bool IsTrue(IReadOnlyDictionary<string, object?>? map, string key) => map?.GetValueOrDefault(key) is true or "true" or "yes";

    /// <summary>Parses YAML text; a syntax problem becomes a one-line error with file:line:column.</summary>
    public static Dictionary<string, object?> ParseYaml(string text, string source, string file)
    {
        var document = YamlDocument.Parse(text.Replace("\r\n", "\n", StringComparison.Ordinal), file);
        if (document.SyntaxProblems.Count > 0)
        {
            throw new DatasourceException(source, document.SyntaxProblems[0].ToString());
        }
        return document.Tree;
    }
}
