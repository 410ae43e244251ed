using System.IO.Compression;
using CorralOS.Engine.Client;

namespace CorralOS.Docker;

/// <summary>
/// Loads the image archives in /var/lib/rancher/preload/docker into User Docker, once each (reference §1.6's
/// preload-user-images): `.tar`, `.tar.gz`, `.tgz`, `.gz` in name order, gzip undone here. After a load the stamp
/// `FILE.done` records the archive's size; an archive whose stamp matches (or whose stamp is empty, as RancherOS wrote
/// them) is skipped, one replaced by an archive of another size is loaded again. A failure is reported and the
/// other archives still load; no stamp is written for it, so the next boot tries again.
/// </summary>
public sealed class UserImagePreload(EngineClient engine, Action<string> log)
{
    public const string DefaultFolder = "/var/lib/rancher/preload/docker";
    public const string StampSuffix = ".done";

    private static readonly string[] s_archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".gz"];

    /// <summary>Loads what is new; returns the number of archives that failed.</summary>
    public async Task<int> RunAsync(string folder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var failed = 0;
        foreach (var archive in Directory.GetFiles(folder).Where(IsArchiveName).Order(StringComparer.Ordinal))
        {
            var stamp = archive + StampSuffix;
            var key = KeyOf(archive);
            if (File.Exists(stamp) && File.ReadAllText(stamp).Trim() is var recorded && (recorded.Length == 0 || recorded == key))
            {
                log($"{archive}: already loaded");
                continue;
            }
            try
            {
                log($"{archive}: loading");
                foreach (var line in await LoadAsync(archive, cancellationToken).ConfigureAwait(false))
                {
                    log($"{archive}: {line}");
                }
                File.WriteAllText(stamp, key + "\n");
            }
            catch (Exception e) when (e is EngineApiException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                log($"{archive}: FAILED: {e.Message}");
                failed++;
            }
        }
        return failed;
    }

    /// <summary>
    /// What the stamp records: the archive's size. Not its time (write_files rewrites the same archive at every boot),
    /// and not a digest: with a sha256 key the first-boot preload failed in the VM (cause not confirmed; os-base has
    /// libcrypto but maybe not all .NET's hashing needs), and the size needs no reading of the archive.
    /// </summary>
    public static string KeyOf(string archive) =>
        "size=" + new FileInfo(archive).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsArchiveName(string path) =>
        !path.EndsWith(StampSuffix, StringComparison.Ordinal) && s_archiveSuffixes.Any(s => path.EndsWith(s, StringComparison.Ordinal));

    private async Task<IReadOnlyList<string>> LoadAsync(string archive, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(archive);
        var gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        if (!gzip)
        {
            return await engine.LoadImageAsync(file, cancellationToken).ConfigureAwait(false);
        }
        await using var unzipped = new GZipStream(file, CompressionMode.Decompress);
        return await engine.LoadImageAsync(unzipped, cancellationToken).ConfigureAwait(false);
    }
}
