using System.Globalization;
using CorralOS.Config.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CorralOS.Config;

/// <summary>
/// Validation with the C# model as the schema: the YAML nodes are walked along the types YamlDotNet's source
/// generator describes (<see cref="ConfigYamlContext"/>), so a key added to a model class is known to the validator
/// at once. Every problem is collected; nothing stops at the first.
/// </summary>
public static class ConfigSchema
{
    private static readonly ITypeInspector s_inspector = new ConfigYamlContext().GetTypeInspector();
    private static readonly Dictionary<Type, Dictionary<string, Type>> s_fields = [];

    /// <summary>The problems of a whole document (its top level is a <see cref="CloudConfig"/>).</summary>
    public static List<ConfigProblem> Validate(YamlDocument document)
    {
        var problems = new List<ConfigProblem>(document.SyntaxProblems);
        if (document.Root is not null)
        {
            Check(document.Root, typeof(CloudConfig), "", new Where(document.File, document.HasPositions), problems);
        }
        return problems;
    }

    /// <summary>The YAML names of a model class's keys and their types.</summary>
    public static IReadOnlyDictionary<string, Type> Fields(Type type)
    {
        lock (s_fields)
        {
            if (!s_fields.TryGetValue(type, out var fields))
            {
                fields = new Dictionary<string, Type>(StringComparer.Ordinal);
                foreach (var property in s_inspector.GetProperties(type, null))
                {
                    var name = property.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? UnderscoredNamingConvention.Instance.Apply(property.Name);
                    fields[name] = property.Type;
                }
                s_fields[type] = fields;
            }
            return fields;
        }
    }

    /// <summary>What a value of this type looks like, for messages: "a boolean", "a list of strings", ...</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }
        if (type == typeof(bool))
        {
            return "a boolean";
        }
        if (type == typeof(int))
        {
            return "an integer";
        }
        if (type == typeof(object))
        {
            return "any value";
        }
        if (ListItem(type) is { } item)
        {
            return "a list of " + Plural(item);
        }
        if (MapValue(type) is { } value)
        {
            return "a map of " + Plural(value);
        }
        return "a map";
    }

    private static void Check(YamlNode node, Type type, string key, Where file, List<ConfigProblem> problems)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        type = nullable ?? type;
        if (node is YamlScalarNode { Style: ScalarStyle.Plain } s && YamlValues.ResolvePlain(s.Value ?? "") is null)
        {
            // Null means "not set"; only a non-nullable value (a map of booleans' values) cannot be.
            if (type.IsValueType && nullable is null)
            {
                problems.Add(Problem(node, file, key, $"expected {Describe(type)}, got null"));
            }
            return;
        }
        if (type == typeof(object))
        {
            return;
        }
        if (type == typeof(string) || type == typeof(bool) || type == typeof(int))
        {
            CheckScalar(node, type, key, file, problems);
            return;
        }
        if (ListItem(type) is { } item)
        {
            if (node is not YamlSequenceNode sequence)
            {
                problems.Add(Problem(node, file, key, $"expected {Describe(type)}, got {Kind(node)}"));
                return;
            }
            var index = 0;
            foreach (var child in sequence.Children)
            {
                Check(child, item, $"{key}[{index++}]", file, problems);
            }
            return;
        }
        if (node is not YamlMappingNode mapping)
        {
            problems.Add(Problem(node, file, key, $"expected {Describe(type)}, got {Kind(node)}"));
            return;
        }
        var mapValue = MapValue(type);
        var fields = mapValue is null ? Fields(type) : null;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
            {
                problems.Add(Problem(keyNode, file, key, "keys must be plain strings"));
                continue;
            }
            var path = key.Length == 0 ? name : $"{key}.{name}";
            if (mapValue is not null)
            {
                Check(valueNode, mapValue, path, file, problems);
            }
            else if (fields!.TryGetValue(name, out var fieldType))
            {
                Check(valueNode, fieldType, path, file, problems);
            }
            else
            {
                problems.Add(Problem(keyNode, file, path, "unknown key") with { IsUnknownKey = true });
            }
        }
    }

    private static void CheckScalar(YamlNode node, Type type, string key, Where file, List<ConfigProblem> problems)
    {
        if (node is not YamlScalarNode scalar)
        {
            problems.Add(Problem(node, file, key, $"expected {Describe(type)}, got {Kind(node)}"));
            return;
        }
        if (type == typeof(string))
        {
            return; // numbers and booleans read as text where text is expected, as in RancherOS
        }
        var value = scalar.Style is ScalarStyle.Plain ? YamlValues.ResolvePlain(scalar.Value ?? "") : scalar.Value;
        var ok = type == typeof(bool) ? value is bool : value is long n && n is >= int.MinValue and <= int.MaxValue;
        if (!ok)
        {
            problems.Add(Problem(node, file, key, $"expected {Describe(type)}, got {Kind(node)}"));
        }
    }

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a map",
        YamlSequenceNode => "a list",
        YamlScalarNode { Style: ScalarStyle.Plain } s => YamlValues.ResolvePlain(s.Value ?? "") switch
        {
            bool b => $"boolean {(b ? "true" : "false")}",
            long n => "integer " + n.ToString(CultureInfo.InvariantCulture),
            double => $"number {s.Value}",
            _ => $"string \"{s.Value}\"",
        },
        YamlScalarNode s => $"string \"{s.Value}\"",
        _ => "something else",
    };

    private static ConfigProblem Problem(YamlNode node, Where where, string key, string message) =>
        where.HasPositions
            ? new ConfigProblem(where.File, (int)node.Start.Line, (int)node.Start.Column, key, message)
            : new ConfigProblem(where.File, null, null, key, message);

    private sealed record Where(string File, bool HasPositions);

    private static Type? ListItem(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    private static Type? MapValue(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    private static string Plural(Type type)
    {
        var single = Describe(type);
        return single switch
        {
            "any value" => "values",
            "a map" => "maps",
            _ when single.StartsWith("a list", StringComparison.Ordinal) => "lists" + single[6..],
            _ when single.StartsWith("a map", StringComparison.Ordinal) => "maps" + single[5..],
            _ when single.StartsWith("an ", StringComparison.Ordinal) => single[3..] + "s",
            _ => single[2..] + "s",
        };
    }
}
