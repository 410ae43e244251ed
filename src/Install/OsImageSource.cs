using CorralOS.Engine.Client;

namespace CorralOS.Install;

/// <summary>
/// Brings the OS image into System Docker and names it: by default from the boot medium's images/os.tar; with -i, an
/// image archive on a path, or an image reference pulled from its registry.
/// </summary>
public sealed class OsImageSource(EngineClient engine, Progress progress)
{
    public async Task<string> PrepareAsync(string? image, CancellationToken cancellationToken = default)
    {
        if (image is null)
        {
            using var medium = BootMedium.Mount();
            progress.Step($"loading the OS image from {medium.Device} (/{BootMedium.ArchivePath})");
            return await LoadAsync(medium.Archive, cancellationToken).ConfigureAwait(false);
        }
        if (File.Exists(image))
        {
            progress.Step($"loading the OS image from {image}");
            return await LoadAsync(image, cancellationToken).ConfigureAwait(false);
        }
        await PullAsync(image, cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>Pulls <paramref name="image"/> into System Docker (which verifies every digest), a progress line per change.</summary>
    public async Task PullAsync(string image, CancellationToken cancellationToken = default)
    {
        progress.Step($"pulling {image}");
        var reported = new Dictionary<string, string>();
        await engine.PullImageAsync(image, p =>
        {
            var key = p.Id ?? "";
            var line = p is { Current: { } current, Total: > 0 and var total }
                ? $"{p.Status} {current * 4 / total * 25}%"
                : p.Status;
            if (reported.GetValueOrDefault(key) != line)
            {
                reported[key] = line;
                progress.Step($"pull: {(p.Id is null ? "" : p.Id + ": ")}{line}");
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> LoadAsync(string archive, CancellationToken cancellationToken)
    {
        var tag = ImageArchive.Tag(archive);
        await using (var stream = File.OpenRead(archive))
        {
            await engine.LoadImageAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        progress.Step($"loaded {tag}");
        return tag;
    }
}
