using System.Globalization;
using System.Text.Json;
using CorralOS.Cli.SystemDocker.Formatting;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`images` rows: one per repository tag (an untagged image is &lt;none&gt; &lt;none&gt;), with the docker CLI's fields.</summary>
internal static class ImageRows
{
    public const string DefaultTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Repository"] = "REPOSITORY",
        ["Tag"] = "TAG",
        ["ID"] = "IMAGE ID",
        ["CreatedSince"] = "CREATED",
        ["CreatedAt"] = "CREATED AT",
        ["Size"] = "SIZE",
        ["Digest"] = "DIGEST",
        ["Containers"] = "CONTAINERS",
        ["SharedSize"] = "SHARED SIZE",
        ["UniqueSize"] = "UNIQUE SIZE",
        ["VirtualSize"] = "VIRTUAL SIZE",
    };

    public static IEnumerable<JsonElement> From(JsonElement image, bool truncate)
    {
        var id = ContainerRows.String(image, "Id");
        var tags = ContainerRows.Strings(image, "RepoTags").Where(t => t != "<none>:<none>").ToList();
        var digests = ContainerRows.Strings(image, "RepoDigests").ToList();
        var created = image.TryGetProperty("Created", out var c) && c.TryGetInt64(out var seconds) ? seconds : 0;
        var size = image.TryGetProperty("Size", out var s) && s.TryGetInt64(out var bytes) ? bytes : 0;
        var containers = image.TryGetProperty("Containers", out var n) && n.TryGetInt64(out var count) && count >= 0 ? count.ToString(CultureInfo.InvariantCulture) : "N/A";
        foreach (var reference in tags.Count > 0 ? tags : ["<none>:<none>"])
        {
            var (repository, tag) = SplitTag(reference);
            var digest = digests.FirstOrDefault(d => d.StartsWith(repository + "@", StringComparison.Ordinal)) is { } found ? found[(found.IndexOf('@', StringComparison.Ordinal) + 1)..] : "<none>";
            yield return JsonRow.From(new Dictionary<string, string>
            {
                ["Repository"] = repository,
                ["Tag"] = tag,
                ["ID"] = truncate ? ContainerRows.ShortId(id) : id,
                ["CreatedSince"] = HumanUnits.Ago(created),
                ["CreatedAt"] = HumanUnits.GoTime(DateTimeOffset.FromUnixTimeSeconds(created)),
                ["Size"] = HumanUnits.Size(size),
                ["VirtualSize"] = HumanUnits.Size(size, precision: 4),
                ["Digest"] = digest,
                ["Containers"] = containers,
                ["SharedSize"] = "N/A",
                ["UniqueSize"] = "N/A",
            });
        }
    }

    /// <summary>"registry:5000/name:tag" into repository and tag (the colon after the last slash).</summary>
    public static (string Repository, string Tag) SplitTag(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') && colon > 0 ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }
}
