using System.Text;
using System.Text.Json;

namespace CorralOS.Cli.SystemDocker.Formatting;

/// <summary>
/// A list command's --format as the docker CLI reads it: empty or "table" for the default table, "json" for one
/// JSON object a line, "table TEMPLATE" for a table with a header row, any other TEMPLATE for one line a row
/// (no header, no alignment). `\t` and `\n` written in the format stand for tab and newline.
/// </summary>
public sealed class ListFormat
{
    private readonly GoTemplate _template;
    private readonly bool _table;

    public ListFormat(string? format, string defaultTable)
    {
        format = string.IsNullOrEmpty(format) || format == "table" ? defaultTable : format == "json" ? "{{json .}}" : format;
        format = format.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        _table = format.StartsWith("table", StringComparison.Ordinal);
        _template = GoTemplate.Parse(_table ? format["table".Length..].TrimStart(' ') : format);
    }

    /// <param name="headers">Column titles by field name (ID: CONTAINER ID); other fields get their name in capitals.</param>
    public string Render(IReadOnlyDictionary<string, string> headers, IEnumerable<JsonElement> rows)
    {
        var lines = new List<string>();
        if (_table)
        {
            var titles = _template.Fields.Distinct().ToDictionary(f => f, f => headers.TryGetValue(f, out var h) ? h : f.ToUpperInvariant());
            lines.Add(_template.Execute(JsonRow.From(titles)));
        }
        lines.AddRange(rows.Select(_template.Execute));
        if (_table)
        {
            return TabWriter.Align(lines);
        }
        var output = new StringBuilder();
        foreach (var line in lines)
        {
            output.Append(line).Append('\n');
        }
        return output.ToString();
    }
}

/// <summary>A row of a list as a JSON object of strings, keys sorted as Go's encoder sorts a map's.</summary>
public static class JsonRow
{
    public static JsonElement From(IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
