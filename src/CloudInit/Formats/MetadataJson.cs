using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CorralOS.CloudInit.Formats;

/// <summary>The clouds' JSON documents (source-generated, no reflection); property names are the clouds' own.</summary>
[JsonSerializable(typeof(OpenStackMetaData))]
[JsonSerializable(typeof(OpenStackNetworkData))]
[JsonSerializable(typeof(GceMetadata))]
[JsonSerializable(typeof(DigitalOceanMetadata))]
[JsonSerializable(typeof(PacketMetadata))]
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class MetadataJson : JsonSerializerContext
{
    /// <summary>Parses <paramref name="body"/>; bad JSON becomes one line naming the source, the document and the line.</summary>
    public static T Parse<T>(byte[] body, JsonTypeInfo<T> type, string source, string document)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new DatasourceException(source, $"{document}: empty JSON document (null)");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}" : "";
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" ({e.Path})";
            throw new DatasourceException(source, $"{document}: not valid JSON{where}{path}", e);
        }
    }
}
