using System.Text;

namespace CorralOS.CloudInit;

/// <summary>A minimal RFC 2045/2046 reader for cloud-init's multipart user data: headers, boundaries, base64 bodies.</summary>
internal static class Mime
{
    public sealed record Part(string ContentType, IReadOnlyDictionary<string, string> Parameters, string? TransferEncoding, string Body);

    /// <summary>True when the text starts with MIME headers (Content-Type: or MIME-Version:).</summary>
    public static bool LooksLikeMime(string text) =>
        text.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("MIME-Version:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The message's own headers and body.</summary>
    public static Part Read(string text)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lines = text.Split('\n');
        var i = 0;
        string? last = null;
        for (; i < lines.Length && lines[i].Length > 0; i++)
        {
            var line = lines[i];
            if (line[0] is ' ' or '\t' && last is not null)
            {
                headers[last] += " " + line.Trim(); // folded header
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                last = line[..colon].Trim();
                headers[last] = line[(colon + 1)..].Trim();
            }
        }
        var body = string.Join('\n', lines.Skip(i + 1));
        var (type, parameters) = ContentType(headers.GetValueOrDefault("Content-Type") ?? "text/plain");
        return new Part(type, parameters, headers.GetValueOrDefault("Content-Transfer-Encoding")?.Trim().ToLowerInvariant(), body);
    }

    /// <summary>The parts of a multipart body, split at --boundary lines up to --boundary--.</summary>
    public static IReadOnlyList<Part> Split(Part multipart)
    {
        if (!multipart.Parameters.TryGetValue("boundary", out var boundary) || boundary.Length == 0)
        {
            throw new FormatException("multipart without a boundary parameter");
        }
        var parts = new List<Part>();
        StringBuilder? current = null;
        var open = "--" + boundary;
        var close = open + "--";
        foreach (var line in multipart.Body.Split('\n'))
        {
            var trimmed = line.TrimEnd();
            if (trimmed == open || trimmed == close)
            {
                if (current is not null)
                {
                    // The line break before a boundary belongs to the boundary.
                    var text = current.ToString();
                    parts.Add(Read(text.EndsWith('\n') ? text[..^1] : text));
                }
                if (trimmed == close)
                {
                    break;
                }
                current = new StringBuilder();
                continue;
            }
            current?.Append(line).Append('\n');
        }
        return parts;
    }

    /// <summary>The part's bytes after its transfer encoding (base64 or none).</summary>
    public static byte[] Decode(Part part) => part.TransferEncoding switch
    {
        "base64" => Convert.FromBase64String(string.Concat(part.Body.Where(c => !char.IsWhiteSpace(c)))),
        null or "7bit" or "8bit" or "binary" => Encoding.UTF8.GetBytes(part.Body),
        var other => throw new FormatException($"Content-Transfer-Encoding {other} is not supported (use base64)"),
    };

    private static (string Type, Dictionary<string, string> Parameters) ContentType(string value)
    {
        var pieces = value.Split(';');
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var piece in pieces.Skip(1))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                parameters[piece[..equals].Trim()] = piece[(equals + 1)..].Trim().Trim('"');
            }
        }
        return (pieces[0].Trim().ToLowerInvariant(), parameters);
    }
}
