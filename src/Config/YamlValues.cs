using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CorralOS.Config;

/// <summary>
/// Turns YAML text into plain values: maps are <see cref="Dictionary{TKey,TValue}"/> of string to object,
/// sequences <see cref="List{T}"/>, plain scalars typed (null, bool, long, double) and quoted scalars strings.
/// </summary>
public static partial class YamlValues
{
    /// <summary>Parses one YAML document; throws <see cref="YamlException"/> on invalid YAML.</summary>
    public static object? Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    public static object? Convert(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Style is ScalarStyle.Plain ? ResolvePlain(scalar.Value ?? "") : scalar.Value ?? "",
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            pair => pair.Key is YamlScalarNode key ? key.Value ?? "" : pair.Key.ToString(),
            pair => Convert(pair.Value),
            StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>Types a plain scalar the way YAML 1.1 (and RancherOS's yaml.v2) does, minus the y/n booleans.</summary>
    public static object? ResolvePlain(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return false;
        }
        if (DecimalInteger().IsMatch(value) && long.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        if (value.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }
        if (OctalInteger().IsMatch(value))
        {
            return System.Convert.ToInt64(value.TrimStart('0', 'o'), 8);
        }
        if (FloatNumber().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return real;
        }
        return value switch
        {
            ".inf" or ".Inf" or ".INF" or "+.inf" => double.PositiveInfinity,
            "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
            ".nan" or ".NaN" or ".NAN" => double.NaN,
            _ => value,
        };
    }

    [GeneratedRegex("^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex("^(0o[0-7]+|0[0-7]+)$")]
    private static partial Regex OctalInteger();

    [GeneratedRegex("^[-+]?([0-9][0-9_]*)?\\.[0-9]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$")]
    private static partial Regex FloatNumber();
}
