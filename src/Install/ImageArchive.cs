using System.Formats.Tar;
using System.Text.Json;

namespace CorralOS.Install;

/// <summary>A `docker save` archive's first tag (manifest.json's RepoTags), read without unpacking the layers.</summary>
public static class ImageArchive
{
    public static string Tag(string path)
    {
        using var file = File.OpenRead(path);
        using var reader = new TarReader(file);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') != "manifest.json" || entry.DataStream is null)
            {
                continue;
            }
            using var manifest = JsonDocument.Parse(entry.DataStream);
            if (manifest.RootElement.ValueKind == JsonValueKind.Array && manifest.RootElement.GetArrayLength() > 0 &&
                manifest.RootElement[0].TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array &&
                tags.GetArrayLength() > 0 && tags[0].GetString() is { Length: > 0 } tag)
            {
                return tag;
            }
            break;
        }
        throw new InstallException($"{path} is not a tagged image archive (docker save)");
    }
}
