using System.Text;
using System.Text.RegularExpressions;

namespace CorralOS.Engine.Images;

/// <summary>
/// The `filters` query parameter of GET /images/json: reference (glob on the familiar name, any matches),
/// dangling, label (key or key=value, all must match), before and since (another image's creation time).
/// Accepts both JSON shapes Docker clients send: {"k":{"v":true}} and the older {"k":["v"]}.
/// </summary>
public sealed class ImageFilter
{
    private static readonly string[] s_known = ["reference", "dangling", "label", "before", "since"];
    private readonly Dictionary<string, List<string>> _values;

    private ImageFilter(Dictionary<string, List<string>> values) => _values = values;

    public static ImageFilter Parse(string? json) => new(FilterArguments.Parse(json, s_known));

    /// <summary>Applies the filter; before/since look up their images in the same list.</summary>
    public IReadOnlyList<StoredImage> Apply(IReadOnlyList<StoredImage> images, Func<string, StoredImage> find)
    {
        bool? dangling = null;
        if (_values.TryGetValue("dangling", out var d))
        {
            foreach (var value in d)
            {
                dangling = value.ToLowerInvariant() switch
                {
                    "true" or "1" => true,
                    "false" or "0" => false,
                    _ => throw new InvalidArgumentException($"Invalid filter 'dangling={value}'"),
                };
            }
        }
        var patterns = _values.GetValueOrDefault("reference")?.Select(Glob).ToList();
        var labels = _values.GetValueOrDefault("label") ?? [];
        var before = _values.GetValueOrDefault("before")?.Select(n => find(n).Config.Created).Min();
        var since = _values.GetValueOrDefault("since")?.Select(n => find(n).Config.Created).Max();

        var selected = new List<StoredImage>();
        foreach (var image in images)
        {
            if ((dangling is not null && image.Dangling != dangling)
                || !labels.All(l => FilterArguments.HasLabel(image.Config.Labels(), l))
                || (before is not null && !(image.Config.Created < before))
                || (since is not null && !(image.Config.Created > since)))
            {
                continue;
            }
            if (patterns is null)
            {
                selected.Add(image);
                continue;
            }
            // As Docker does: with a reference filter an image lists only the references that matched.
            bool Matches(ImageReference r) => patterns.Any(p => p.IsMatch(r.Familiar) || p.IsMatch(r.FamiliarName));
            var tags = image.Tags.Where(Matches).ToList();
            var digests = image.Digests.Where(Matches).ToList();
            if (tags.Count + digests.Count > 0)
            {
                selected.Add(image with { Tags = tags, Digests = digests });
            }
        }
        return selected;
    }

    // Go's path.Match: '*' and '?' do not cross '/', [...] is a class.
    private static Regex Glob(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': regex.Append("[^/]*"); break;
                case '?': regex.Append("[^/]"); break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        throw new InvalidArgumentException($"invalid reference filter pattern: {pattern}");
                    }
                    var cls = pattern[(i + 1)..end];
                    regex.Append('[').Append(cls.StartsWith('^') ? "^" + Regex.Escape(cls[1..]) : Regex.Escape(cls)).Append(']');
                    i = end;
                    break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
