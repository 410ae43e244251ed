using System.Text.Json;

namespace CorralOS.Engine.Client;

/// <summary>One line of a pull's progress stream: a status ("Pulling fs layer", "Downloading", ...), the layer it is about, and bytes done of total.</summary>
public sealed record PullProgress(string Status, string? Id, long? Current, long? Total)
{
    /// <summary>The line's status, or null for a line that has none (not JSON, or an empty object).</summary>
    public static PullProgress? Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.GetString() is not { Length: > 0 } text)
            {
                return null;
            }
            long? current = null, total = null;
            if (root.TryGetProperty("progressDetail", out var detail) && detail.ValueKind == JsonValueKind.Object)
            {
                current = detail.TryGetProperty("current", out var c) && c.TryGetInt64(out var cv) ? cv : null;
                total = detail.TryGetProperty("total", out var t) && t.TryGetInt64(out var tv) ? tv : null;
            }
            return new PullProgress(text, root.TryGetProperty("id", out var id) ? id.GetString() : null, current, total);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
