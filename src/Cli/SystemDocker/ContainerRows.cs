using System.Globalization;
using System.Text;
using System.Text.Json;
using CorralOS.Cli.SystemDocker.Formatting;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`ps` rows: the docker CLI's container fields (ID, Image, Command, RunningFor, Status, Names, ...) from GET /containers/json.</summary>
internal static class ContainerRows
{
    public const string DefaultTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["ID"] = "CONTAINER ID",
        ["Image"] = "IMAGE",
        ["Command"] = "COMMAND",
        ["CreatedAt"] = "CREATED AT",
        ["RunningFor"] = "CREATED",
        ["Ports"] = "PORTS",
        ["State"] = "STATE",
        ["Status"] = "STATUS",
        ["Size"] = "SIZE",
        ["Names"] = "NAMES",
        ["Labels"] = "LABELS",
        ["Mounts"] = "MOUNTS",
        ["LocalVolumes"] = "LOCAL VOLUMES",
        ["Networks"] = "NETWORKS",
    };

    public static JsonElement From(JsonElement container, bool truncate)
    {
        var id = String(container, "Id");
        var image = String(container, "Image");
        if (truncate && image.StartsWith("sha256:", StringComparison.Ordinal))
        {
            image = ShortId(image);
        }
        var command = String(container, "Command");
        var names = Strings(container, "Names").Select(n => n.TrimStart('/')).Where(n => !truncate || !n.Contains('/', StringComparison.Ordinal));
        var labels = container.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object
            ? string.Join(',', l.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}"))
            : "";
        var created = container.TryGetProperty("Created", out var c) && c.TryGetInt64(out var seconds) ? seconds : 0;
        var mounts = container.TryGetProperty("Mounts", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.TryGetProperty("Name", out var n) && n.GetString() is { Length: > 0 } name ? name : String(x, "Source")).ToList()
            : [];
        var networks = container.TryGetProperty("NetworkSettings", out var ns) && ns.ValueKind == JsonValueKind.Object && ns.TryGetProperty("Networks", out var nets) && nets.ValueKind == JsonValueKind.Object
            ? string.Join(',', nets.EnumerateObject().Select(p => p.Name))
            : String(container.TryGetProperty("HostConfig", out var hc) ? hc : default, "NetworkMode");
        return JsonRow.From(new Dictionary<string, string>
        {
            ["ID"] = truncate ? ShortId(id) : id,
            ["Image"] = image,
            ["Command"] = GoQuote(truncate ? Ellipsis(command, 20) : command),
            ["CreatedAt"] = HumanUnits.GoTime(DateTimeOffset.FromUnixTimeSeconds(created)),
            ["RunningFor"] = HumanUnits.Ago(created),
            ["Ports"] = Ports(container),
            ["State"] = String(container, "State"),
            ["Status"] = String(container, "Status"),
            ["Size"] = "0B",
            ["Names"] = string.Join(',', names),
            ["Labels"] = labels,
            ["Mounts"] = string.Join(',', truncate ? mounts.Select(x => Ellipsis(x, 15)) : mounts),
            ["LocalVolumes"] = mounts.Count.ToString(CultureInfo.InvariantCulture),
            ["Networks"] = networks,
        });
    }

    /// <summary>An ID without its "sha256:" prefix, cut to Docker's 12 characters.</summary>
    public static string ShortId(string id)
    {
        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        return bare.Length > 12 ? bare[..12] : bare;
    }

    /// <summary>Docker's Ellipsis: longer text cut to <paramref name="width"/> with its last character an ellipsis.</summary>
    public static string Ellipsis(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    /// <summary>Go's strconv.Quote: double quotes, with backslash escapes for quotes, backslashes and control characters.</summary>
    public static string GoQuote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var ch in text)
        {
            quoted.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' or '\x7f' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)ch:x2}"),
                _ => ch.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }

    private static string Ports(JsonElement container)
    {
        if (!container.TryGetProperty("Ports", out var ports) || ports.ValueKind != JsonValueKind.Array)
        {
            return "";
        }
        return string.Join(", ", ports.EnumerateArray().Select(p =>
        {
            var privatePort = p.TryGetProperty("PrivatePort", out var pp) ? pp.GetRawText() : "";
            var type = String(p, "Type");
            return p.TryGetProperty("PublicPort", out var pub) && pub.ValueKind == JsonValueKind.Number
                ? $"{String(p, "IP")}:{pub.GetRawText()}->{privatePort}/{type}"
                : $"{privatePort}/{type}";
        }));
    }

    internal static string String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    internal static IEnumerable<string> Strings(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString() ?? "")
            : [];
}
