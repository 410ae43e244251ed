using CorralOS.Linux;

namespace CorralOS.Install;

/// <summary>
/// The cloud-config given with -c: read from a file or fetched from an http(s) URL where `ros install` runs, then
/// written on the new state filesystem as var/lib/rancher/conf/cloud-config.d/user_config.yml (mode 0600), a layer
/// every boot of the installed system reads.
/// </summary>
public static class CloudConfigFile
{
    public const string RelativePath = "var/lib/rancher/conf/cloud-config.d/user_config.yml";

    public static async Task<byte[]> ReadAsync(string source, CancellationToken cancellationToken = default)
    {
        if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            try
            {
                return await http.GetByteArrayAsync(new Uri(source), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new InstallException($"cannot fetch the cloud-config {source}: {e.Message}");
            }
        }
        if (!File.Exists(source))
        {
            throw new InstallException($"cloud-config {source} does not exist");
        }
        return await File.ReadAllBytesAsync(source, cancellationToken).ConfigureAwait(false);
    }

    public static void Write(string stateRoot, byte[] content)
    {
        var path = Path.Combine(stateRoot, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var output = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            output.Write(content);
            output.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        Durability.SyncDirectory(Path.GetDirectoryName(path)!);
    }
}
