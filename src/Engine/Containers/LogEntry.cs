using System.Text.Json;

namespace CorralOS.Engine.Containers;

/// <summary>One line of a json-file log.</summary>
public sealed record LogEntry(string Stream, string Text, DateTimeOffset Time)
{
    public static LogEntry? TryParse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return new LogEntry(
                root.GetProperty("stream").GetString() ?? "stdout",
                root.GetProperty("log").GetString() ?? "",
                root.GetProperty("time").GetDateTimeOffset());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A line cut by a crash: skipped, as Docker skips it.
            return null;
        }
    }
}
