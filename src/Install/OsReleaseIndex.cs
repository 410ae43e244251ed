namespace CorralOS.Install;

/// <summary>
/// The release index `ros os list` and `ros os upgrade` read from rancher.upgrade.url (docs/upgrade.md): text, one
/// OS image reference a line, oldest first; '#' starts a comment, and a leading "- " is ignored, so RancherOS's
/// releases.yml (an "available:" key over "- image" lines) reads the same.
/// </summary>
public static class OsReleaseIndex
{
    public static IReadOnlyList<string> Parse(string text) =>
        [.. text.Split('\n')
            .Select(l => l.Split('#', 2)[0].Trim())
            .Select(l => l.StartsWith("- ", StringComparison.Ordinal) ? l[2..].Trim() : l)
            .Where(l => l.Length > 0 && !l.EndsWith(':'))];

    /// <summary>The index at an http(s) URL or a local path.</summary>
    public static async Task<IReadOnlyList<string>> LoadAsync(string source, CancellationToken cancellationToken = default)
    {
        if (source.Length == 0)
        {
            throw new InstallException("rancher.upgrade.url is not set: no release index (ros config set rancher.upgrade.url URL|PATH)");
        }
        string text;
        if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            try
            {
                text = await http.GetStringAsync(new Uri(source), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new InstallException($"cannot fetch the release index {source}: {e.Message}");
            }
        }
        else if (File.Exists(source))
        {
            text = await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new InstallException($"the release index {source} does not exist");
        }
        return Parse(text);
    }

    /// <summary>The tag of an image reference (registry:5000/corralos/os:0.2.0 is 0.2.0), or null without one.</summary>
    public static string? Tag(string reference)
    {
        var name = reference.Split('@', 2)[0];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[(colon + 1)..] : null;
    }
}
