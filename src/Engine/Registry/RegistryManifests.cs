using System.Net.Http.Headers;
using System.Text.Json;
using CorralOS.Engine.Archives;
using CorralOS.Engine.Images;

namespace CorralOS.Engine.Registry;

/// <summary>A manifest as fetched: its bytes (their sha256 is its digest) and media type.</summary>
public sealed record FetchedManifest(Digest Digest, string MediaType, byte[] Bytes)
{
    public bool IsIndex => MediaType is MediaTypes.OciIndex or MediaTypes.DockerManifestList;
}

/// <summary>Manifests and small blobs of one repository, each checked against its digest before it is used.</summary>
public static class RegistryManifests
{
    private const long MaxManifest = 4 * 1024 * 1024;
    private const long MaxConfig = 16 * 1024 * 1024;

    /// <summary>GET /v2/NAME/manifests/REF. By digest the bytes must hash to it; by tag, to the Docker-Content-Digest the registry claims.</summary>
    public static async Task<FetchedManifest> GetAsync(RegistrySession session, string reference, Digest? expected, CancellationToken cancellationToken)
    {
        var what = $"manifest for {session.Reference.FamiliarName}{(expected is null ? ":" : "@")}{reference}";
        using var response = await session.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, session.Url("manifests/" + reference));
            foreach (var type in RegistrySession.ManifestTypes)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }
            return request;
        }, cancellationToken);
        var notFound = response.StatusCode == System.Net.HttpStatusCode.NotFound;
        await RegistrySession.EnsureSuccessAsync(response, notFound ? $"{what} not found" : what, cancellationToken);
        var bytes = await RegistrySession.ReadLimitedAsync(response.Content, MaxManifest, what, cancellationToken);
        var digest = Digest.Of(bytes);
        if (expected is { } wanted && wanted != digest)
        {
            throw new RegistryException($"{what}: the registry sent content with digest {digest}");
        }
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var claimed)
            && Digest.TryParse(claimed.FirstOrDefault(), out var header) && header != digest)
        {
            throw new RegistryException($"{what}: the content has digest {digest}, the registry says {header}");
        }
        return new FetchedManifest(digest, MediaTypeOf(response.Content.Headers.ContentType?.MediaType, bytes, what), bytes);
    }

    /// <summary>The entry of a manifest list / OCI index for this platform (variant ignored, the first match wins).</summary>
    public static Descriptor PickPlatform(FetchedManifest index, string os, string architecture, string what)
    {
        var parsed = Parse(index.Bytes, StoreJson.Default.ImageIndex, what);
        var match = (parsed.Manifests ?? []).FirstOrDefault(m =>
            m.Platform is { } p && p.Os == os && p.Architecture == architecture
            && m.MediaType is null or MediaTypes.OciManifest or MediaTypes.DockerManifest);
        return match ?? throw new NotFoundException($"no matching manifest for {os}/{architecture} in the manifest list entries of {what}");
    }

    public static ImageManifest ParseManifest(FetchedManifest manifest, string what)
    {
        var parsed = Parse(manifest.Bytes, StoreJson.Default.ImageManifest, what);
        if (parsed.Config is null || !Digest.TryParse(parsed.Config.Digest, out _))
        {
            throw new RegistryException($"{what}: the manifest has no valid config descriptor");
        }
        foreach (var layer in parsed.Layers ?? [])
        {
            if (!Digest.TryParse(layer.Digest, out _))
            {
                throw new RegistryException($"{what}: the manifest names layer {layer.Digest}, not a sha256 digest");
            }
            if (layer.MediaType is null || !MediaTypes.IsLayer(layer.MediaType))
            {
                throw new RegistryException($"{what}: layer {layer.Digest} has media type {layer.MediaType ?? "none"}, which the engine cannot use (foreign or non-distributable layers are not fetched)");
            }
        }
        return parsed;
    }

    /// <summary>A small blob (the image config), verified against its digest and size.</summary>
    public static async Task<byte[]> GetSmallBlobAsync(RegistrySession session, Descriptor descriptor, CancellationToken cancellationToken)
    {
        var digest = Digest.Parse(descriptor.Digest!);
        var what = $"config {digest} of {session.Reference.Name}";
        using var response = await session.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, session.Url("blobs/" + digest)), cancellationToken);
        await RegistrySession.EnsureSuccessAsync(response, what, cancellationToken);
        var bytes = await RegistrySession.ReadLimitedAsync(response.Content, MaxConfig, what, cancellationToken);
        if (Digest.Of(bytes) != digest || (descriptor.Size > 0 && bytes.Length != descriptor.Size))
        {
            throw new RegistryException($"{what}: the registry sent content that does not match its digest and size");
        }
        return bytes;
    }

    // The header decides; a registry that answers a generic type gets the body's own mediaType, then its shape.
    private static string MediaTypeOf(string? header, byte[] bytes, string what)
    {
        if (header is not null && header != "application/json" && header != "text/plain" && header != "application/octet-stream")
        {
            return Known(header, what);
        }
        using var document = Parse(bytes, what);
        var root = document.RootElement;
        if (root.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String)
        {
            return Known(type.GetString()!, what);
        }
        if (root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number && version.GetInt32() == 1)
        {
            return Known("application/vnd.docker.distribution.manifest.v1+json", what);
        }
        return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
    }

    private static string Known(string mediaType, string what) => mediaType switch
    {
        MediaTypes.OciIndex or MediaTypes.DockerManifestList or MediaTypes.OciManifest or MediaTypes.DockerManifest => mediaType,
        "application/vnd.docker.distribution.manifest.v1+json" or "application/vnd.docker.distribution.manifest.v1+prettyjws" =>
            throw new RegistryException($"{what}: schema 1 manifests are not supported (the image is too old; push it again with a current client)"),
        _ => throw new RegistryException($"{what}: unsupported manifest media type {mediaType}"),
    };

    private static T Parse<T>(byte[] bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw new RegistryException($"{what}: the manifest is null");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{what}: the manifest is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonDocument Parse(byte[] bytes, string what)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{what}: the manifest is not valid JSON: {e.Message}", e);
        }
    }
}
