using System.Text.Json.Serialization;

namespace CorralOS.Engine.Containers;

/// <summary>What never changes after create (config.json): identity, image, and the client's request. Name changes with rename.</summary>
public sealed class ContainerRecord
{
    [JsonPropertyName("Id")] public required string Id { get; init; }
    [JsonPropertyName("Name")] public required string Name { get; set; }
    [JsonPropertyName("Created")] public DateTimeOffset Created { get; init; }

    /// <summary>The image as the client named it (what ps shows).</summary>
    [JsonPropertyName("Image")] public required string Image { get; init; }

    [JsonPropertyName("ImageId")] public required string ImageId { get; init; }

    /// <summary>The request merged with the image config (Cmd, Entrypoint, Env, WorkingDir, User, Labels filled in).</summary>
    [JsonPropertyName("Config")] public required ContainerCreateRequest Config { get; init; }

    /// <summary>Anonymous volumes by container path (the image's VOLUME, `-v /path`): random names chosen at create.</summary>
    [JsonPropertyName("AnonymousVolumes")] public Dictionary<string, string>? AnonymousVolumes { get; init; }
}
