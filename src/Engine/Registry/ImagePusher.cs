using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Registry;

/// <summary>
/// `POST /images/{name}/push`: uploads an image's layer blobs (as stored, so their digests stay), its config and
/// an OCI manifest naming them, then records NAME@DIGEST in the store. Blobs the registry has are not sent again.
/// </summary>
public sealed class ImagePusher(ImageStore store, RegistrySettings settings)
{
    private const int ReportEvery = 512 * 1024;

    /// <summary>What a push of NAME[:TAG] sends: that tag, or every tag of the repository when none is given.</summary>
    public IReadOnlyList<(StoredImage Image, ImageReference Tag)> Resolve(string name, string? tag)
    {
        var reference = ImageReference.Parse(string.IsNullOrEmpty(tag) ? name : $"{name}:{tag}");
        if (reference.Digest is not null)
        {
            throw new InvalidArgumentException($"cannot push a digest reference: {reference.Familiar}");
        }
        var images = store.ResolveForSave(reference.ToString())
            .Where(i => i.Tag is not null && i.Tag.Name == reference.Name)
            .Select(i => (i.Image, i.Tag!))
            .ToList();
        return images.Count > 0 ? images : throw new NotFoundException($"An image does not exist locally with the tag: {reference.FamiliarName}");
    }

    public async Task PushAsync(IReadOnlyList<(StoredImage Image, ImageReference Tag)> images, RegistryCredentials? credentials, Action<ProgressEvent> progress, CancellationToken cancellationToken)
    {
        var session = new RegistrySession(images[0].Tag, credentials, settings, push: true);
        progress(new ProgressEvent($"The push refers to repository [{images[0].Tag.FamiliarName}]"));
        foreach (var (image, tag) in images)
        {
            var layers = image.Record.Layers;
            // Docker lists layers top first.
            foreach (var layer in Enumerable.Reverse(layers))
            {
                progress(new ProgressEvent("Preparing", Digest.Parse(layer.DiffId).Short));
            }
            foreach (var layer in Enumerable.Reverse(layers))
            {
                var id = Digest.Parse(layer.DiffId).Short;
                var blob = Digest.Parse(layer.Blob);
                if (await ExistsAsync(session, blob, cancellationToken))
                {
                    progress(new ProgressEvent("Layer already exists", id));
                    continue;
                }
                StoreLayout.RequireBlob(blob, store.Layout.Blob(blob));
                await UploadAsync(session, blob, store.Layout.Blob(blob), read => progress(new ProgressEvent("Pushing", id, read, layer.BlobSize)), cancellationToken);
                progress(new ProgressEvent("Pushed", id));
            }
            var configFile = store.Layout.Blob(image.Digest);
            if (!await ExistsAsync(session, image.Digest, cancellationToken))
            {
                await UploadAsync(session, image.Digest, configFile, _ => { }, cancellationToken);
            }
            var manifest = new ImageManifest
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = image.Id, Size = new FileInfo(configFile).Length },
                Layers = layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = l.Blob, Size = l.BlobSize }).ToList(),
            };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, StoreJson.Default.ImageManifest);
            var digest = await PutManifestAsync(session, tag, bytes, cancellationToken);
            store.AddDigestReference(new ImageReference(tag.Domain, tag.Path, null, digest), image.Id);
            progress(new ProgressEvent($"{tag.Tag}: digest: {digest} size: {bytes.Length}") { Result = new PushResult(tag.Tag!, digest, bytes.Length) });
        }
    }

    private static async Task<bool> ExistsAsync(RegistrySession session, Digest blob, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, session.Url("blobs/" + blob)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await RegistrySession.EnsureSuccessAsync(response, $"checking blob {blob} in {session.Reference.FamiliarName}", cancellationToken);
        return true;
    }

    // Monolithic upload: POST opens an upload session, one PUT with ?digest= sends the whole blob and closes it.
    private static async Task UploadAsync(RegistrySession session, Digest blob, string file, Action<long> progress, CancellationToken cancellationToken)
    {
        var what = $"uploading blob {blob} to {session.Reference.FamiliarName}";
        Uri location;
        using (var start = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, session.Url("blobs/uploads/")), cancellationToken))
        {
            await RegistrySession.EnsureSuccessAsync(start, what, cancellationToken);
            location = start.Headers.Location is { } l
                ? (l.IsAbsoluteUri ? l : new Uri(start.RequestMessage!.RequestUri!, l))
                : throw new RegistryException($"{what}: the registry gave no upload location");
        }
        var target = new UriBuilder(location);
        target.Query = (string.IsNullOrEmpty(target.Query) ? "" : target.Query.TrimStart('?') + "&") + "digest=" + Uri.EscapeDataString(blob.ToString());
        using var done = await session.SendAsync(() =>
        {
            var content = new StreamContent(new ProgressStream(File.OpenRead(file), progress, ReportEvery));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = new FileInfo(file).Length;
            return new HttpRequestMessage(HttpMethod.Put, target.Uri) { Content = content };
        }, cancellationToken);
        await RegistrySession.EnsureSuccessAsync(done, what, cancellationToken);
    }

    private static async Task<Digest> PutManifestAsync(RegistrySession session, ImageReference tag, byte[] bytes, CancellationToken cancellationToken)
    {
        using var response = await session.SendAsync(() =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
            return new HttpRequestMessage(HttpMethod.Put, session.Url("manifests/" + tag.Tag)) { Content = content };
        }, cancellationToken);
        await RegistrySession.EnsureSuccessAsync(response, $"putting the manifest of {tag.Familiar}", cancellationToken);
        var digest = Digest.Of(bytes);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed) && Digest.TryParse(claimed.FirstOrDefault(), out var header) && header != digest)
        {
            throw new RegistryException($"putting the manifest of {tag.Familiar}: the registry says its digest is {header}, not {digest}");
        }
        return digest;
    }
}
