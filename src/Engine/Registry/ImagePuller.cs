using System.Text.Json;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Registry;

/// <summary>
/// `POST /images/create`: pulls an image from a registry into the store. <see cref="ResolveAsync"/> does everything
/// that can fail cleanly before a progress stream starts (auth, manifest, platform, config);
/// <see cref="PullAsync"/> downloads, verifies and extracts the layers into staging and commits exactly as a load
/// does, so a pulled image is indistinguishable from a loaded one and a failure leaves nothing in the store.
/// </summary>
public sealed class ImagePuller(ImageStore store, RegistrySettings settings)
{
    /// <summary>Blobs downloaded at once, as Docker does by default.</summary>
    private const int ConcurrentDownloads = 3;

    /// <summary>What to pull, resolved: the manifest the reference named and the platform's manifest and config.</summary>
    public sealed record Plan(
        RegistrySession Session,
        ImageReference Reference,
        Digest NamedDigest,
        ImageManifest Manifest,
        byte[] ConfigBytes,
        ImageConfig Config,
        IReadOnlyList<Digest> DiffIds);

    /// <summary>The image pulled: its ID, the digest the reference resolved to, and whether nothing changed.</summary>
    public sealed record Result(Digest Id, Digest NamedDigest, bool UpToDate);

    /// <summary>Credentials from the client (X-Registry-Auth) win; else the configured ones for that registry.</summary>
    public RegistryCredentials? CredentialsFor(ImageReference reference, RegistryCredentials? fromClient) =>
        fromClient ?? settings.ConfiguredCredentials(reference.Domain);

    public async Task<Plan> ResolveAsync(ImageReference reference, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var session = new RegistrySession(reference, credentials, settings, push: false);
        var named = reference.Digest is { } d
            ? await RegistryManifests.GetAsync(session, d.ToString(), d, cancellationToken)
            : await RegistryManifests.GetAsync(session, reference.Tag ?? ImageReference.DefaultTag, null, cancellationToken);
        var what = $"{reference.Familiar}";
        var manifest = named;
        if (named.IsIndex)
        {
            var entry = RegistryManifests.PickPlatform(named, settings.Os, settings.Architecture, what);
            var digest = Digest.Parse(entry.Digest!);
            manifest = await RegistryManifests.GetAsync(session, digest.ToString(), digest, cancellationToken);
            if (manifest.IsIndex)
            {
                throw new RegistryException($"{what}: the {settings.Os}/{settings.Architecture} entry of the manifest list is itself a list");
            }
        }
        var parsed = RegistryManifests.ParseManifest(manifest, what);
        var configBytes = await RegistryManifests.GetSmallBlobAsync(session, parsed.Config!, cancellationToken);
        ImageConfig config;
        try
        {
            config = JsonSerializer.Deserialize(configBytes, StoreJson.Default.ImageConfig) ?? throw new RegistryException($"{what}: the image config is null");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{what}: the image config is not valid: {e.Message}", e);
        }
        var diffIds = (config.RootFs?.DiffIds ?? []).Select(id => Digest.TryParse(id, out var diffId)
            ? diffId
            : throw new RegistryException($"{what}: the image config has invalid diff_id {id}")).ToList();
        var layers = parsed.Layers ?? [];
        if (diffIds.Count != layers.Count)
        {
            throw new RegistryException($"{what}: the image config lists {diffIds.Count} layers, the manifest {layers.Count}");
        }
        return new Plan(session, reference, named.Digest, parsed, configBytes, config, diffIds);
    }

    public async Task<Result> PullAsync(Plan plan, Action<ProgressEvent> progress, CancellationToken cancellationToken)
    {
        var layers = plan.Manifest.Layers ?? [];
        var staging = store.Layout.NewTempDirectory("pull");
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(ConcurrentDownloads);
        var downloads = new Dictionary<Digest, Task<string>>();
        try
        {
            var known = new LayerBlob?[layers.Count];
            for (var i = 0; i < layers.Count; i++)
            {
                var blob = Digest.Parse(layers[i].Digest!);
                known[i] = store.FindLayerBlob(plan.DiffIds[i], blob);
                progress(new ProgressEvent(known[i] is null ? "Pulling fs layer" : "Already exists", blob.Short));
            }
            // Downloads run a few at a time; extraction goes in layer order, each as soon as its blob is in.
            for (var i = 0; i < layers.Count; i++)
            {
                var blob = Digest.Parse(layers[i].Digest!);
                if (known[i] is null && !downloads.ContainsKey(blob))
                {
                    downloads[blob] = DownloadAsync(plan.Session, layers[i], Path.Combine(staging, "blobs", blob.Hex), slots, progress, abort.Token);
                }
            }

            var staged = new List<StagedLayer>();
            var byDiffId = new Dictionary<Digest, StagedLayer>();
            for (var i = 0; i < layers.Count; i++)
            {
                abort.Token.ThrowIfCancellationRequested();
                var blob = Digest.Parse(layers[i].Digest!);
                var diffId = plan.DiffIds[i];
                if (byDiffId.TryGetValue(diffId, out var same))
                {
                    staged.Add(same);
                    continue;
                }
                StagedLayer layer;
                if (known[i] is { } existing)
                {
                    layer = new StagedLayer(diffId, blob, existing.MediaType, existing.BlobSize, store.Layout.Blob(blob), null, store.LayerSize(diffId.ToString()));
                }
                else
                {
                    var file = await downloads[blob];
                    layer = await Task.Run(() => LayerUnpacker.Unpack(store, file, blob, diffId, staging, progress, abort.Token), abort.Token);
                    progress(new ProgressEvent("Pull complete", blob.Short));
                }
                byDiffId[diffId] = layer;
                staged.Add(layer);
            }

            var reference = plan.Reference;
            var digestReference = new ImageReference(reference.Domain, reference.Path, null, plan.NamedDigest);
            var tags = reference.Digest is null ? new List<ImageReference> { reference.WithDefaultTag(), digestReference } : [digestReference];
            var id = Digest.Of(plan.ConfigBytes);
            var upToDate = store.ReferenceTarget(tags[0]) == id.ToString();
            store.Commit(new StagedImage(id, plan.ConfigBytes, plan.Config, staged, tags));
            progress(new ProgressEvent($"Digest: {plan.NamedDigest}"));
            return new Result(id, plan.NamedDigest, upToDate);
        }
        finally
        {
            // A failure stops the other downloads; staging goes only once nothing writes into it any more.
            await abort.CancelAsync();
            try
            {
                await Task.WhenAll(downloads.Values);
            }
            catch (Exception)
            {
                // The failure that matters is already propagating (or the pull succeeded and these were done).
            }
            Directory.Delete(staging, recursive: true);
        }
    }

    private static async Task<string> DownloadAsync(RegistrySession session, Descriptor layer, string file, SemaphoreSlim slots, Action<ProgressEvent> progress, CancellationToken cancellationToken)
    {
        if (!slots.Wait(0))
        {
            progress(new ProgressEvent("Waiting", Digest.Parse(layer.Digest!).Short));
            await slots.WaitAsync(cancellationToken);
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await LayerDownload.DownloadAsync(session, layer, file, progress, cancellationToken);
            return file;
        }
        finally
        {
            slots.Release();
        }
    }
}
