using System.Buffers;
using System.Security.Cryptography;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Registry;

/// <summary>Streams one blob into a staging file, hashing it on the way; nothing unverified is ever used.</summary>
public static class LayerDownload
{
    private const int ReportEvery = 512 * 1024;

    public static async Task DownloadAsync(RegistrySession session, Descriptor layer, string file, Action<ProgressEvent> progress, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(layer.Digest!);
        var id = digest.Short;
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, session.Url("blobs/" + digest)), cancellationToken);
        await RegistrySession.EnsureSuccessAsync(response, $"layer {digest} of {session.Reference.FamiliarName}", cancellationToken);
        var total = layer.Size > 0 ? layer.Size : response.Content.Headers.ContentLength ?? 0;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        long done = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            long nextReport = 0;
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                done += n;
                if (layer.Size > 0 && done > layer.Size)
                {
                    throw new RegistryException($"filesystem layer verification failed for digest {digest}: more than the {layer.Size} bytes the manifest says");
                }
                hash.AppendData(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                if (done >= nextReport)
                {
                    progress(new ProgressEvent("Downloading", id, done, total));
                    nextReport = done + ReportEvery;
                }
            }
            output.Flush(flushToDisk: true);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException($"downloading layer {digest}: {e.Message}", e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new RegistryException($"downloading layer {digest}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        progress(new ProgressEvent("Verifying Checksum", id));
        if (Digest.FromHash(hash.GetHashAndReset()) != digest || (layer.Size > 0 && done != layer.Size))
        {
            throw new RegistryException($"filesystem layer verification failed for digest {digest}");
        }
        progress(new ProgressEvent("Download complete", id));
    }
}
