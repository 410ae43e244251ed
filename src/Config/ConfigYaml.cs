using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CorralOS.Config;

/// <summary>
/// Plain trees (maps, lists, typed scalars) back to YAML, so that reading the text again gives the same tree:
/// strings that YAML would read as something else ("true", "5", "") are quoted, multi-line strings use literal blocks.
/// Emitter events only: no reflection, safe under NativeAOT.
/// </summary>
public static class ConfigYaml
{
    public static string Write(object? value)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        Emit(emitter, value);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    /// <summary>A scalar as `ros config get` prints it: plain text, no quotes.</summary>
    public static string FormatScalar(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatDouble(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    /// <summary>The tree as YAML nodes without positions (for validating trees that did not come from text).</summary>
    public static YamlNode ToNode(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => new YamlMappingNode(map.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToNode(p.Value)))),
        IReadOnlyList<object?> list => new YamlSequenceNode(list.Select(ToNode)),
        string s => new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
        var scalar => new YamlScalarNode(scalar is null ? "null" : FormatScalar(scalar)) { Style = ScalarStyle.Plain },
    };

    private static void Emit(IEmitter emitter, object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                emitter.Emit(new MappingStart(null, null, true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, child) in map)
                {
                    EmitString(emitter, key);
                    Emit(emitter, child);
                }
                emitter.Emit(new MappingEnd());
                break;
            case IReadOnlyList<object?> list:
                emitter.Emit(new SequenceStart(null, null, true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case string s:
                EmitString(emitter, s);
                break;
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            default:
                emitter.Emit(new Scalar(null, null, FormatScalar(value), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string s)
    {
        ScalarStyle style;
        if (s.Any(IsUnprintable))
        {
            // Only double quotes can carry them (as escapes): a literal or plain scalar with raw control characters
            // does not read back (write_files content with gzip encoding is raw binary).
            style = ScalarStyle.DoubleQuoted;
        }
        else if (s.Contains('\n', StringComparison.Ordinal))
        {
            style = ScalarStyle.Literal;
        }
        else if (YamlValues.ResolvePlain(s) is not string || s.Trim() != s)
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            // The emitter quotes on its own when plain would not read back (": ", "#", leading "-", ...).
            style = ScalarStyle.Any;
        }
        emitter.Emit(new Scalar(null, null, s, style, true, true));
    }

    // YAML 1.1 §5.1: tab and line feed are printable; other control characters (NEL would read back as a line break), BOM and non-characters are not.
    private static bool IsUnprintable(char c) =>
        c is not ('\t' or '\n') && char.IsControl(c) || c is '\uFEFF' or '\uFFFE' or '\uFFFF';

    private static string FormatDouble(double d) => d switch
    {
        double.PositiveInfinity => ".inf",
        double.NegativeInfinity => "-.inf",
        double.NaN => ".nan",
        _ => d.ToString("R", CultureInfo.InvariantCulture) is var text && (text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal)) ? text : text + ".0",
    };
}
