using System.Globalization;
using CorralOS.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CorralOS.Compose;

/// <summary>
/// Reads one service's fields into a <see cref="ServiceDefinition"/>, collecting a problem for each field that is
/// not what it should be. Lenient where RancherOS was: booleans and numbers may be quoted, a single string stands for
/// a one-item list, label and environment values may be any scalar.
/// </summary>
internal sealed partial class ServiceReader
{
    private readonly string _key;
    private readonly ComposeParser.Where _where;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _name;

    public ServiceReader(string name, string key, ComposeParser.Where where, IReadOnlyDictionary<string, string> environment)
    {
        _key = key;
        _where = where;
        _environment = environment;
        _name = name;
    }

    public List<ConfigProblem> Problems { get; } = [];

    public ServiceDefinition Read(YamlMappingNode fields)
    {
        var service = new ServiceDefinition { Name = _name, Source = _where.Position(fields) };
        foreach (var (keyNode, value) in fields.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } field })
            {
                Problems.Add(_where.Problem(keyNode, _key, "field names must be plain strings"));
                continue;
            }
            if (s_fields.TryGetValue(field, out var read))
            {
                read(this, service, new Field(field, value));
            }
            else
            {
                Problems.Add(_where.Problem(keyNode, $"{_key}.{field}", "unknown key") with { IsUnknownKey = true });
            }
        }
        foreach (var (label, message) in RancherLabels.Problems(service.Labels))
        {
            var node = LabelNode(fields, label);
            var problem = _where.Problem(node ?? fields, $"{_key}.labels.{label}", message);
            Problems.Add(message.StartsWith("unknown", StringComparison.Ordinal) ? problem with { IsUnknownKey = true } : problem);
        }
        if (string.IsNullOrEmpty(service.Image))
        {
            Problems.Add(_where.Problem(fields, $"{_key}.image", "every service needs an image"));
        }
        return service;
    }

    /// <summary>A field's name and value node.</summary>
    private readonly record struct Field(string Name, YamlNode Node);

    private string KeyOf(Field field) => $"{_key}.{field.Name}";

    private void Problem(Field field, YamlNode node, string message) => Problems.Add(_where.Problem(node, KeyOf(field), message));

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && YamlValues.ResolvePlain(s.Value ?? "") is null;

    /// <summary>A scalar's text after interpolation; null (with a problem) for a list or map.</summary>
    private string? Text(Field field, YamlNode node, string expected)
    {
        if (node is YamlScalarNode scalar)
        {
            return Interpolation.Apply(scalar.Value ?? "", _environment);
        }
        Problem(field, node, $"expected {expected}, got {Kind(node)}");
        return null;
    }

    private string? String(Field field) => IsNull(field.Node) ? null : Text(field, field.Node, "a string");

    private bool Bool(Field field)
    {
        if (IsNull(field.Node))
        {
            return false;
        }
        var text = Text(field, field.Node, "a boolean");
        switch (text?.Trim().ToLowerInvariant())
        {
            case null:
                return false;
            case "true" or "yes" or "on" or "1":
                return true;
            case "false" or "no" or "off" or "0" or "":
                return false;
            default:
                Problem(field, field.Node, $"expected a boolean, got \"{text}\"");
                return false;
        }
    }

    private long? Integer(Field field, long min = long.MinValue, long max = long.MaxValue)
    {
        if (IsNull(field.Node))
        {
            return null;
        }
        var text = Text(field, field.Node, "an integer");
        if (text is null)
        {
            return null;
        }
        if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        Problem(field, field.Node, min == long.MinValue ? $"expected an integer, got \"{text}\"" : $"expected an integer from {min} to {max}, got \"{text}\"");
        return null;
    }

    /// <summary>A list of strings; a single scalar is a one-item list.</summary>
    private List<string> Strings(Field field)
    {
        switch (field.Node)
        {
            case YamlSequenceNode sequence:
                var result = new List<string>();
                foreach (var item in sequence.Children)
                {
                    if (Text(field, item, "a string") is { } text)
                    {
                        result.Add(text);
                    }
                }
                return result;
            case var node when IsNull(node):
                return [];
            case YamlScalarNode:
                return Text(field, field.Node, "a list of strings") is { } single ? [single] : [];
            default:
                Problem(field, field.Node, $"expected a list of strings, got {Kind(field.Node)}");
                return [];
        }
    }

    /// <summary>A command: a list as it is, or a string split into words as a shell would.</summary>
    private List<string>? Command(Field field)
    {
        if (IsNull(field.Node))
        {
            return null;
        }
        if (field.Node is YamlScalarNode)
        {
            var text = Text(field, field.Node, "a string or a list of strings")!;
            try
            {
                return ShellWords.Split(text);
            }
            catch (FormatException e)
            {
                Problem(field, field.Node, $"cannot split \"{text}\" into words: {e.Message}");
                return null;
            }
        }
        if (field.Node is YamlSequenceNode)
        {
            return Strings(field);
        }
        Problem(field, field.Node, $"expected a string or a list of strings, got {Kind(field.Node)}");
        return null;
    }

    /// <summary>KEY=VALUE pairs from a list of "KEY=VALUE" or a map; (key, value-or-null) in file order.</summary>
    private List<(string Key, string? Value, YamlNode Node)> Pairs(Field field, string what)
    {
        var pairs = new List<(string, string?, YamlNode)>();
        switch (field.Node)
        {
            case YamlMappingNode map:
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
                    {
                        Problem(field, keyNode, $"{what} names must be non-empty strings");
                        continue;
                    }
                    pairs.Add((key, IsNull(valueNode) ? null : Text(field, valueNode, "a string"), valueNode));
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    if (Text(field, item, "a string") is not { } text)
                    {
                        continue;
                    }
                    var equals = text.IndexOf('=', StringComparison.Ordinal);
                    if (equals == 0 || text.Length == 0)
                    {
                        Problem(field, item, $"expected NAME=VALUE or NAME, got \"{text}\"");
                        continue;
                    }
                    pairs.Add(equals < 0 ? (text, null, item) : (text[..equals], text[(equals + 1)..], item));
                }
                break;
            case var node when IsNull(node):
                break;
            default:
                Problem(field, field.Node, $"expected a map or a list of NAME=VALUE, got {Kind(field.Node)}");
                break;
        }
        return pairs;
    }

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a map",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "something else",
    };

    private static YamlNode? LabelNode(YamlMappingNode fields, string label)
    {
        switch (ComposeParser.Child(fields, "labels"))
        {
            case YamlMappingNode map:
                return map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: { } k } && k == label).Value;
            case YamlSequenceNode list:
                return list.Children.FirstOrDefault(n => n is YamlScalarNode { Value: { } v } && v.StartsWith(label + "=", StringComparison.Ordinal));
            default:
                return null;
        }
    }
}
