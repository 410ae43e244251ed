using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Value = CorralOS.Cli.SystemDocker.Formatting.GoTemplate.Value;

namespace CorralOS.Cli.SystemDocker.Formatting;

/// <summary>The template functions the docker CLI adds to Go's (json, join, split, upper, lower, title, truncate, pad) and Go's index and len.</summary>
internal static class Functions
{
    public static readonly string[] Names = ["json", "index", "join", "split", "upper", "lower", "title", "len", "truncate", "pad", "println"];

    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Value Call(string name, List<Value> arguments) => name switch
    {
        "json" => Value.Of(Json(Single(name, arguments))),
        "index" => Index(arguments),
        "join" => Value.Of(string.Join(Argument(arguments, 1, name).AsString(), Items(Argument(arguments, 0, name)))),
        "split" => Split(Argument(arguments, 0, name).AsString(), Argument(arguments, 1, name).AsString()),
        "upper" => Value.Of(Single(name, arguments).AsString().ToUpperInvariant()),
        "lower" => Value.Of(Single(name, arguments).AsString().ToLowerInvariant()),
        "title" => Value.Of(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(Single(name, arguments).AsString())),
        "len" => Value.Of(Length(Single(name, arguments)).ToString(CultureInfo.InvariantCulture)),
        "truncate" => Value.Of(Truncate(Argument(arguments, 0, name).AsString(), Number(Argument(arguments, 1, name)))),
        "pad" => Value.Of(new string(' ', Number(Argument(arguments, 1, name))) + Argument(arguments, 0, name).AsString() + new string(' ', Number(Argument(arguments, 2, name)))),
        "println" => Value.Of(string.Join(' ', arguments.Select(GoTemplate.Format)) + "\n"),
        _ => throw new TemplateException($"template: function \"{name}\" not defined"),
    };

    /// <summary>Compact JSON as Go's encoder writes it (no HTML escaping here), "null" for a missing value.</summary>
    public static string Json(Value value)
    {
        if (value.Missing)
        {
            return "null";
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            if (value.Text is { } text)
            {
                writer.WriteStringValue(text);
            }
            else
            {
                value.Element.WriteTo(writer);
            }
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Value Single(string name, List<Value> arguments) =>
        arguments.Count == 1 ? arguments[0] : throw new TemplateException($"template: wrong number of args for {name}: want 1 got {arguments.Count}");

    private static Value Argument(List<Value> arguments, int index, string name) =>
        index < arguments.Count ? arguments[index] : throw new TemplateException($"template: wrong number of args for {name}");

    private static int Number(Value value) =>
        int.TryParse(value.AsString(), CultureInfo.InvariantCulture, out var n) ? n : throw new TemplateException($"template: {value.AsString()} is not a number");

    private static IEnumerable<string> Items(Value value) =>
        value.Text is null && value.Element.ValueKind == JsonValueKind.Array
            ? value.Element.EnumerateArray().Select(e => new Value(e).AsString())
            : [value.AsString()];

    private static int Length(Value value) => value.Text is { } text ? text.Length : value.Element.ValueKind switch
    {
        JsonValueKind.Array => value.Element.GetArrayLength(),
        JsonValueKind.Object => value.Element.EnumerateObject().Count(),
        JsonValueKind.String => value.Element.GetString()!.Length,
        _ => throw new TemplateException("template: len of a value that has no length"),
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private static Value Split(string text, string separator)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var part in text.Split(separator))
            {
                writer.WriteStringValue(part);
            }
            writer.WriteEndArray();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return new Value(document.RootElement.Clone());
    }

    // index COLLECTION KEY...: a map's entry by key or an array's by position; a missing key is Go's zero value.
    private static Value Index(List<Value> arguments)
    {
        if (arguments.Count < 2)
        {
            throw new TemplateException("template: wrong number of args for index: want at least 2");
        }
        var current = arguments[0];
        foreach (var key in arguments.Skip(1))
        {
            if (current.Text is not null || current.Missing)
            {
                return Value.Of("");
            }
            var element = current.Element;
            if (element.ValueKind == JsonValueKind.Object)
            {
                current = element.TryGetProperty(key.AsString(), out var found) ? new Value(found) : Value.Of("");
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(key.AsString(), CultureInfo.InvariantCulture, out var i) && i >= 0 && i < element.GetArrayLength())
            {
                current = new Value(element[i]);
            }
            else
            {
                throw new TemplateException($"template: error calling index: cannot index {GoTemplate.Format(current)} with {key.AsString()}");
            }
        }
        return current;
    }
}
